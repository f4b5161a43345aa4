//go:build ignore

// asmgen writes matmul_amd64.s, the AVX-512 and AVX2 micro-kernels behind
// MatMulAdd on amd64. Run it with `go generate` in this directory.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"
)

// maxRows is the tallest block of output rows one kernel call updates.
const maxRows = 6

// prefetchRows is how far ahead in w the kernel prefetches.
const prefetchRows = 8

// maxBroadcastRegs is how many registers take turns holding the broadcast
// x value. A separate VBROADCASTSS, rather than AVX-512's embedded {1to16}
// broadcast operand, keeps the FMAs register-only: on AMD Zen 5 that runs
// the AVX-512 kernel at about 105 instead of 90 GMAC/s.
const maxBroadcastRegs = 4

// isa describes one vector instruction set the kernel is written for.
type isa struct {
	name   string // Go function name
	reg    string // vector register prefix: "Z" or "Y"
	vbytes int    // bytes per vector register
	nregs  int    // vector registers available
	masked bool   // AVX-512 opmasks K1 and K2 guard column tails
	args   string // Go argument list, for the header comment
	frame  int    // argument frame size
}

var isas = []isa{
	{
		name: "gemmAVX512", reg: "Z", vbytes: 64, nregs: 32, masked: true,
		args:  "out, x, w *float32, k, ldx, ldw, ldo, rows, nv int, mask uint64",
		frame: 80,
	},
	{
		name: "gemmAVX2", reg: "Y", vbytes: 32, nregs: 16,
		args:  "out, x, w *float32, k, ldx, ldw, ldo, rows, nv int",
		frame: 72,
	},
}

type gen struct {
	bytes.Buffer
	isa
}

func (g *gen) p(format string, a ...any) { fmt.Fprintf(g, "\t"+format+"\n", a...) }

func (g *gen) label(l string) { fmt.Fprintf(g, "%s:\n", l) }

func (g *gen) v(i int) string { return fmt.Sprintf("%s%d", g.reg, i) }

// xAddr is row i of the x block at byte offset off past the current p:
// rows 0–2 hang off SI, rows 3–5 off R10, each R8 (= ldx*4) apart.
func xAddr(i, off int) string {
	base := "SI"
	if i >= 3 {
		base, i = "R10", i-3
	}
	o := ""
	if off != 0 {
		o = fmt.Sprint(off)
	}
	if i == 0 {
		return fmt.Sprintf("%s(%s)", o, base)
	}
	return fmt.Sprintf("%s(%s)(R8*%d)", o, base, i)
}

// oAddr is vector v of output row i: rows 0–2 hang off DI, rows 3–5 off
// R12, each R11 (= ldo*4) apart.
func (g *gen) oAddr(i, v int) string {
	base := "DI"
	if i >= 3 {
		base, i = "R12", i-3
	}
	o := ""
	if v != 0 {
		o = fmt.Sprint(v * g.vbytes)
	}
	if i == 0 {
		return fmt.Sprintf("%s(%s)", o, base)
	}
	return fmt.Sprintf("%s(%s)(R11*%d)", o, base, i)
}

// wAddr is vector v of the w row the step reads: DX, or DX+R9 (the next
// row) for the second half of an unrolled pair.
func (g *gen) wAddr(second bool, v int) string {
	o := ""
	if v != 0 {
		o = fmt.Sprint(v * g.vbytes)
	}
	if second {
		return fmt.Sprintf("%s(DX)(R9*1)", o)
	}
	return fmt.Sprintf("%s(DX)", o)
}

// variant is one unrolled kernel body: rows output rows by nv vectors.
type variant struct {
	rows, nv int
	split    bool // two accumulator sets over even and odd p, summed at the end
	acc      [2][maxRows][2]int
	w        [2]int
	b        []int
}

func (g *gen) plan(rows, nv int) variant {
	vr := variant{rows: rows, nv: nv}
	// An FMA takes four cycles and two can start each cycle, so fewer than
	// eight independent accumulators leave the FMA units idle: give short
	// blocks a second set of accumulators for odd p.
	vr.split = rows*nv < 8
	sets := 1
	if vr.split {
		sets = 2
	}
	next := 0
	for s := 0; s < sets; s++ {
		for i := 0; i < rows; i++ {
			for v := 0; v < nv; v++ {
				vr.acc[s][i][v] = next
				next++
			}
		}
	}
	for v := 0; v < nv; v++ {
		vr.w[v] = next
		next++
	}
	for next < g.nregs && len(vr.b) < maxBroadcastRegs {
		vr.b = append(vr.b, next)
		next++
	}
	if next > g.nregs || len(vr.b) == 0 {
		log.Fatalf("%s rows=%d nv=%d needs %d registers", g.name, rows, nv, next)
	}
	return vr
}

// step emits the FMAs for one p: load the w row segment once, then for
// each x row broadcast x[i][p] and multiply-add it into that row's
// accumulators.
func (g *gen) step(vr variant, s int) {
	second := s == 1
	// The first row block of a strip meets w rows that are not in cache
	// yet, one or two cache lines per row at a stride the hardware
	// prefetchers follow poorly; ask for the rows prefetchRows ahead.
	for v := 0; v < (vr.nv*g.vbytes+63)/64; v++ {
		o := ""
		if v != 0 {
			o = fmt.Sprint(v * 64)
		}
		if second {
			g.p("PREFETCHT0 %s(R13)(R9*1)", o)
		} else {
			g.p("PREFETCHT0 %s(R13)", o)
		}
	}
	for v := 0; v < vr.nv; v++ {
		if g.masked {
			g.p("VMOVUPS.Z %s, K%d, %s", g.wAddr(second, v), v+1, g.v(vr.w[v]))
		} else {
			g.p("VMOVUPS %s, %s", g.wAddr(second, v), g.v(vr.w[v]))
		}
	}
	off := 0
	if second {
		off = 4
	}
	for i := 0; i < vr.rows; i++ {
		b := g.v(vr.b[i%len(vr.b)])
		g.p("VBROADCASTSS %s, %s", xAddr(i, off), b)
		for v := 0; v < vr.nv; v++ {
			g.p("VFMADD231PS %s, %s, %s", b, g.v(vr.w[v]), g.v(vr.acc[s][i][v]))
		}
	}
}

func (g *gen) body(rows, nv int) {
	vr := g.plan(rows, nv)
	l := fmt.Sprintf("r%dv%d", rows, nv)
	g.label(l)
	fmt.Fprintf(g, "\t// %d rows × %d columns: accumulators %s", rows, nv*g.vbytes/4, g.v(vr.acc[0][0][0]))
	fmt.Fprintf(g, "–%s", g.v(vr.acc[0][rows-1][nv-1]))
	if vr.split {
		fmt.Fprintf(g, " (even p) and %s–%s (odd p)", g.v(vr.acc[1][0][0]), g.v(vr.acc[1][rows-1][nv-1]))
	}
	fmt.Fprintf(g, "; w row segment in %s", g.v(vr.w[0]))
	if nv > 1 {
		fmt.Fprintf(g, "–%s", g.v(vr.w[nv-1]))
	}
	fmt.Fprintln(g)
	for i := 0; i < rows; i++ {
		for v := 0; v < nv; v++ {
			if g.masked {
				g.p("VMOVUPS.Z %s, K%d, %s", g.oAddr(i, v), v+1, g.v(vr.acc[0][i][v]))
			} else {
				g.p("VMOVUPS %s, %s", g.oAddr(i, v), g.v(vr.acc[0][i][v]))
			}
			if vr.split {
				a := g.v(vr.acc[1][i][v])
				if g.masked {
					g.p("VPXORD %s, %s, %s", a, a, a)
				} else {
					g.p("VXORPS %s, %s, %s", a, a, a)
				}
			}
		}
	}
	g.p("MOVQ CX, AX")
	if vr.split {
		g.p("SHRQ $1, AX")
		g.p("JZ %s_tail", l)
	}
	g.p("PCALIGN $16")
	g.label(l + "_loop")
	g.step(vr, 0)
	if vr.split {
		g.step(vr, 1)
		g.p("ADDQ $8, SI")
		g.p("ADDQ $8, R10")
		g.p("LEAQ (DX)(R9*2), DX")
		g.p("LEAQ (R13)(R9*2), R13")
	} else {
		g.p("ADDQ $4, SI")
		g.p("ADDQ $4, R10")
		g.p("ADDQ R9, DX")
		g.p("ADDQ R9, R13")
	}
	g.p("DECQ AX")
	g.p("JNZ %s_loop", l)
	if vr.split {
		g.label(l + "_tail")
		g.p("TESTQ $1, CX")
		g.p("JZ %s_sum", l)
		g.step(vr, 0)
		g.label(l + "_sum")
		for i := 0; i < rows; i++ {
			for v := 0; v < nv; v++ {
				a, b := g.v(vr.acc[0][i][v]), g.v(vr.acc[1][i][v])
				g.p("VADDPS %s, %s, %s", b, a, a)
			}
		}
	}
	for i := 0; i < rows; i++ {
		for v := 0; v < nv; v++ {
			if g.masked {
				g.p("VMOVUPS %s, K%d, %s", g.v(vr.acc[0][i][v]), v+1, g.oAddr(i, v))
			} else {
				g.p("VMOVUPS %s, %s", g.v(vr.acc[0][i][v]), g.oAddr(i, v))
			}
		}
	}
	g.p("VZEROUPPER")
	g.p("RET")
	fmt.Fprintln(g)
}

func (g *gen) function() {
	vec := g.vbytes / 4
	fmt.Fprintf(g, "// func %s(%s)\n", g.name, g.args)
	fmt.Fprintf(g, "//\n// Adds the rows×(nv·%d) block x·w to out, where x is rows×k. Strides are\n", vec)
	fmt.Fprintf(g, "// in elements. rows is 1..%d and nv (vectors of %d columns) is 1 or 2.\n", maxRows, vec)
	if g.masked {
		g.WriteString("// mask bits 0–15 enable the columns of the first vector (K1), bits\n")
		g.WriteString("// 16–31 those of the second (K2); masked lanes are neither read nor written.\n")
	}
	fmt.Fprintf(g, "TEXT ·%s(SB), NOSPLIT, $0-%d\n", g.name, g.frame)
	g.p("MOVQ out+0(FP), DI")
	g.p("MOVQ x+8(FP), SI")
	g.p("MOVQ w+16(FP), DX")
	g.p("MOVQ k+24(FP), CX")
	g.p("MOVQ ldx+32(FP), R8")
	g.p("SHLQ $2, R8")
	g.p("MOVQ ldw+40(FP), R9")
	g.p("SHLQ $2, R9")
	g.p("MOVQ ldo+48(FP), R11")
	g.p("SHLQ $2, R11")
	g.p("IMUL3Q $%d, R9, R13", prefetchRows)
	g.p("ADDQ DX, R13 // w row prefetchRows ahead")
	g.p("LEAQ (SI)(R8*2), R10")
	g.p("ADDQ R8, R10 // x row 3")
	g.p("LEAQ (DI)(R11*2), R12")
	g.p("ADDQ R11, R12 // out row 3")
	if g.masked {
		g.p("MOVQ mask+72(FP), AX")
		g.p("KMOVW AX, K1")
		g.p("SHRQ $16, AX")
		g.p("KMOVW AX, K2")
	}
	g.p("MOVQ rows+56(FP), BX")
	g.p("MOVQ nv+64(FP), AX")
	g.p("CMPQ AX, $1")
	g.p("JEQ nv1")
	for r := maxRows; r >= 1; r-- {
		g.p("CMPQ BX, $%d", r)
		g.p("JEQ r%dv2", r)
	}
	g.p("RET")
	g.label("nv1")
	for r := maxRows; r >= 1; r-- {
		g.p("CMPQ BX, $%d", r)
		g.p("JEQ r%dv1", r)
	}
	g.p("RET")
	fmt.Fprintln(g)
	for nv := 2; nv >= 1; nv-- {
		for r := maxRows; r >= 1; r-- {
			g.body(r, nv)
		}
	}
}

const header = `// Code generated by asmgen.go; DO NOT EDIT.

//go:build !purego

// Register blocking. Each call updates a block of up to 6 output rows by
// up to 2 vectors of columns (32 with AVX-512, 16 with AVX2), kept in
// registers for the whole k loop: 12 accumulators. For every p the kernel
// loads the w row segment w[p][j:j+2V] once, then for each of the block's
// rows broadcasts x[i][p] into a register with VBROADCASTSS and
// multiply-adds it into that row's accumulators. So each w element loaded feeds up to 6 FMAs and each x
// element up to 2. Blocks with fewer than 8 accumulators would wait on FMA
// latency, so they run two accumulator sets, one for even p and one for
// odd p, and add them before the store.
//
// Registers: SI and R10 point at x[0][p] and x[3][p], with R8 = ldx*4 so
// rows 1, 2, 4, 5 are (SI)(R8*1), (SI)(R8*2), (R10)(R8*1), (R10)(R8*2);
// DX walks down w by R9 = ldw*4 per p; DI and R12 point at out rows 0 and
// 3, R11 = ldo*4; R13 runs 8 rows of w ahead of DX for prefetching; CX
// holds k and AX counts the loop.

#include "textflag.h"

`

func main() {
	var out strings.Builder
	out.WriteString(header)
	for _, is := range isas {
		g := &gen{isa: is}
		g.function()
		out.Write(g.Bytes())
	}
	if err := os.WriteFile("matmul_amd64.s", []byte(out.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}
