//go:build !amd64 || purego

package linalg

// kernels lists the kernels this build can run, fastest first.
func kernels() []kernel {
	return []kernel{{"go", matMulAddGo, matMulAddPackedGo}}
}
