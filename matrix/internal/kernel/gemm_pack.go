package kernel

// Packing copies blocks of A and B into the layout the micro-kernels read.

// packA copies op(A)[ic:ic+mc, pc:pc+kc] into dst as micro-panels of mr
// rows: element (i, p) of the block goes to dst[(i/mr)·mr·kc + p·mr + i%mr].
// The rows of the last micro-panel beyond mc are zero.
func (g *gemmImpl[T]) packA(trans bool, mc, kc int, a []T, lda, ic, pc int, dst []T) {
	mr := g.mr
	packT := g.packTranspose
	if packT == nil {
		packT = packTranspose[T]
	}
	for i0 := 0; i0 < mc; i0 += mr {
		rows := min(mr, mc-i0)
		panel := dst[i0*kc : i0*kc+mr*kc]
		if trans {
			// op(A)[i, p] = A[p, i]: step p of the panel is a piece of
			// row pc+p of A.
			packCopy(panel, kc, mr, rows, a[pc*lda+ic+i0:], lda)
		} else {
			packT(panel, kc, mr, rows, a[(ic+i0)*lda+pc:], lda)
		}
	}
}

// packB copies op(B)[pc:pc+kc, jc:jc+nc] into dst as micro-panels of nr
// columns: element (p, j) of the block goes to
// dst[(j/nr)·nr·kc + p·nr + j%nr]. The columns of the last micro-panel
// beyond nc are zero.
func (g *gemmImpl[T]) packB(trans bool, kc, nc int, b []T, ldb, pc, jc int, dst []T) {
	nr := g.nr
	packT := g.packTranspose
	if packT == nil {
		packT = packTranspose[T]
	}
	if !trans {
		packRows(dst, kc, nc, nr, b[pc*ldb+jc:], ldb)
		return
	}
	for j0 := 0; j0 < nc; j0 += nr {
		// op(B)[p, j] = B[j, p]: column j of the panel is a piece of row
		// jc+j of B.
		packT(dst[j0*kc:j0*kc+nr*kc], kc, nr, min(nr, nc-j0), b[(jc+j0)*ldb+pc:], ldb)
	}
}

// packRows sets dst[(j/w)·w·steps + p·w + j%w] = src[p·ld + j] for
// p < steps and j < cnt, and the rest of the last panel to zero. It reads
// src row after row, so that the hardware prefetcher follows one stream.
func packRows[T Float](dst []T, steps, cnt, w int, src []T, ld int) {
	full := cnt / w * w
	for p := 0; p < steps; p++ {
		row := src[p*ld : p*ld+cnt]
		j := 0
		switch w {
		case 32:
			for ; j < full; j += 32 {
				*(*[32]T)(dst[j*steps+p*32:]) = *(*[32]T)(row[j:])
			}
		case 16:
			for ; j < full; j += 16 {
				*(*[16]T)(dst[j*steps+p*16:]) = *(*[16]T)(row[j:])
			}
		case 8:
			for ; j < full; j += 8 {
				*(*[8]T)(dst[j*steps+p*8:]) = *(*[8]T)(row[j:])
			}
		}
		for ; j < full; j += w {
			copy(dst[j*steps+p*w:j*steps+p*w+w], row[j:j+w])
		}
		if j < cnt {
			tail := dst[j*steps+p*w : j*steps+p*w+w]
			copy(tail, row[j:])
			clear(tail[cnt-j:])
		}
	}
}

// packCopy sets panel[p·w + j] = src[p·ld + j] for p < steps and j < cnt,
// and to zero for cnt ≤ j < w.
func packCopy[T Float](panel []T, steps, w, cnt int, src []T, ld int) {
	if cnt == w {
		// Fixed-size copies compile to a few vector moves, where copy
		// would call memmove for each step.
		switch w {
		case 32:
			for p := 0; p < steps; p++ {
				*(*[32]T)(panel[p*32:]) = *(*[32]T)(src[p*ld:])
			}
			return
		case 16:
			for p := 0; p < steps; p++ {
				*(*[16]T)(panel[p*16:]) = *(*[16]T)(src[p*ld:])
			}
			return
		case 12:
			for p := 0; p < steps; p++ {
				*(*[12]T)(panel[p*12:]) = *(*[12]T)(src[p*ld:])
			}
			return
		case 8:
			for p := 0; p < steps; p++ {
				*(*[8]T)(panel[p*8:]) = *(*[8]T)(src[p*ld:])
			}
			return
		}
	}
	for p := 0; p < steps; p++ {
		copy(panel[p*w:p*w+cnt], src[p*ld:p*ld+cnt])
		clear(panel[p*w+cnt : p*w+w])
	}
}

// packTranspose sets panel[p·w + j] = src[j·ld + p] for p < steps and
// j < cnt, and to zero for cnt ≤ j < w.
func packTranspose[T Float](panel []T, steps, w, cnt int, src []T, ld int) {
	panel = panel[:steps*w]
	if w == 6 && cnt == 6 {
		// The AVX2 tiles' full panel of A: each step stores all six
		// elements, in one pass over the panel.
		r0 := src[:steps]
		r1 := src[ld:][:len(r0)]
		r2 := src[2*ld:][:len(r0)]
		r3 := src[3*ld:][:len(r0)]
		r4 := src[4*ld:][:len(r0)]
		r5 := src[5*ld:][:len(r0)]
		for p := range r0 {
			d := panel[p*6 : p*6+6 : p*6+6]
			d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
		}
		return
	}
	j := 0
	// Four rows of src at a time, so that each step stores four
	// neighbouring elements.
	for ; j+4 <= cnt; j += 4 {
		r0 := src[j*ld : j*ld+steps]
		r1 := src[(j+1)*ld : (j+1)*ld+steps]
		r2 := src[(j+2)*ld : (j+2)*ld+steps]
		r3 := src[(j+3)*ld : (j+3)*ld+steps]
		for p := range r0 {
			d := panel[p*w+j : p*w+j+4 : p*w+j+4]
			d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		}
	}
	for ; j < cnt; j++ {
		r := src[j*ld : j*ld+steps]
		for p, v := range r {
			panel[p*w+j] = v
		}
	}
	for ; j < w; j++ {
		for p := 0; p < steps; p++ {
			panel[p*w+j] = 0
		}
	}
}

// packRowsBytes is packRows for a source of unsigned bytes, converting
// each to T, which is exact.
func packRowsBytes[T Float](dst []T, steps, cnt, w int, src []uint8, ld int) {
	full := cnt / w * w
	for p := 0; p < steps; p++ {
		row := src[p*ld : p*ld+cnt]
		for j0 := 0; j0 < full; j0 += w {
			d := dst[j0*steps+p*w : j0*steps+p*w+w]
			for j, v := range row[j0 : j0+w] {
				d[j] = T(v)
			}
		}
		if full < cnt {
			d := dst[full*steps+p*w : full*steps+p*w+w]
			for j, v := range row[full:] {
				d[j] = T(v)
			}
			clear(d[cnt-full:])
		}
	}
}
