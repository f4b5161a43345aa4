//go:build !purego

package linalg

// matMulAddPackedAVX512 is matMulAddAVX512 over a Packed w: each strip is
// one contiguous k×32 block, read with a 128-byte row stride.
func matMulAddPackedAVX512(out, x []float32, p *Packed, t int) {
	k, n := p.k, p.n
	for j := 0; j < n; j += stripWidth {
		c := min(stripWidth, n-j)
		nv := (c + 15) / 16
		mask := uint64(1)<<c - 1
		strip := p.strip(j / stripWidth)
		for i, nb := 0, (t+rowBlock-1)/rowBlock; nb > 0; nb-- {
			r := (t - i + nb - 1) / nb
			gemmAVX512(&out[i*n+j], &x[i*k], &strip[0], k, k, stripWidth, n, r, nv, mask)
			i += r
		}
	}
}

// matMulAddPackedAVX2 is matMulAddAVX2 over a Packed w. The strips are
// zero-padded, so a last group of fewer than 8 columns reads w in place
// and only needs a padded copy of out.
func matMulAddPackedAVX2(out, x []float32, p *Packed, t int) {
	k, n := p.k, p.n
	var obuf [rowBlock * 8]float32
	for j0 := 0; j0 < n; j0 += stripWidth {
		c := min(stripWidth, n-j0)
		strip := p.strip(j0 / stripWidth)
		for jj := 0; jj < c; {
			j := j0 + jj
			for i, nb := 0, (t+rowBlock-1)/rowBlock; nb > 0; nb-- {
				r := (t - i + nb - 1) / nb
				switch {
				case jj+16 <= c:
					gemmAVX2(&out[i*n+j], &x[i*k], &strip[jj], k, k, stripWidth, n, r, 2)
				case jj+8 <= c:
					gemmAVX2(&out[i*n+j], &x[i*k], &strip[jj], k, k, stripWidth, n, r, 1)
				default:
					w := c - jj
					for ii := range r {
						copy(obuf[ii*8:ii*8+w], out[(i+ii)*n+j:(i+ii)*n+j+w])
					}
					gemmAVX2(&obuf[0], &x[i*k], &strip[jj], k, k, stripWidth, 8, r, 1)
					for ii := range r {
						copy(out[(i+ii)*n+j:(i+ii)*n+j+w], obuf[ii*8:ii*8+w])
					}
				}
				i += r
			}
			switch {
			case jj+16 <= c:
				jj += 16
			case jj+8 <= c:
				jj += 8
			default:
				jj = c
			}
		}
	}
}
