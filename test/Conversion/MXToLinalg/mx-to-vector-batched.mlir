// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=AVX512
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=AVX2
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512 panels=2" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=PANELS
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512-vbmi" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=VBMI
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx512 prefetch-distance=0" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=NOPF

/// The batched (register-blocked) kernel of the vector matmul
/// (docs/Lowering.md, "Batched matmul"): from M = 4 rows an mr x nr tile
/// keeps its accumulators and partial sums as loop-carried vectors, reads
/// and decodes each weight vector once per k step and multiplies it by the
/// lhs value of each of the mr rows; M < 4 keeps the GEMV kernel.

// M = 8 at avx512: column tiles of 32 FP4 columns (one 16-byte sub-chunk:
// even and odd columns in two vectors), one row tile of 8.
// AVX512-LABEL: func.func @prefill_mxfp4
// AVX512: %[[VIEW:.*]] = bufferization.to_buffer %{{.*}} read_only
// AVX512: scf.for %[[COL:.*]] = %c0 to %c64 step %c32
// The K-block loop carries the 8 x 2 accumulators ...
// AVX512: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// ... the k loop the 8 x 2 partial sums.
// AVX512: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// The first row tile prefetches the codes of row k + 64, clamped to the
// last row (63): the sub-chunk's first byte and, since rows of 36 bytes
// leave the lines unaligned, its last (clamped to the row's last byte).
// AVX512: %[[K:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// AVX512-NEXT: %[[AHEAD:.*]] = arith.addi %[[K]], %c64 : index
// AVX512-NEXT: %[[ROW:.*]] = arith.minui %[[AHEAD]], %c63 : index
// AVX512: %[[FIRST:.*]] = arith.divui %{{.*}}, %c8 : index
// AVX512-NEXT: %[[END:.*]] = arith.addi %[[FIRST]], %c15 : index
// AVX512-NEXT: %[[LAST:.*]] = arith.minui %[[END]], %c35 : index
// AVX512-NEXT: memref.prefetch %[[VIEW]][%c0, %[[ROW]], %[[FIRST]]], read, locality<2>, data
// AVX512-NEXT: memref.prefetch %[[VIEW]][%c0, %[[ROW]], %[[LAST]]], read, locality<2>, data
// One code read per k step, decoded once by the value table into the even
// and odd vectors ...
// AVX512: vector.transfer_read {{.*}} : tensor<1x64x36xi8>, vector<16xi8>
// AVX512-NOT: vector.transfer_read
// AVX512: %[[EVEN:.*]] = vector.from_elements {{.*}} : vector<16xf32>
// AVX512-NOT: vector.transfer_read
// AVX512: %[[ODD:.*]] = vector.from_elements {{.*}} : vector<16xf32>
// ... then, per row, a broadcast lhs value times each decoded vector, added
// to the row's partial sums (no FMA, no fastmath).
// AVX512: %[[A0:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P00:.*]] = arith.mulf %[[A0]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P00]] : vector<16xf32>
// AVX512-NEXT: %[[P01:.*]] = arith.mulf %[[A0]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P01]] : vector<16xf32>
// AVX512: %[[A1:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P10:.*]] = arith.mulf %[[A1]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P10]] : vector<16xf32>
// AVX512-NEXT: %[[P11:.*]] = arith.mulf %[[A1]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P11]] : vector<16xf32>
// AVX512: %[[A2:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P20:.*]] = arith.mulf %[[A2]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P20]] : vector<16xf32>
// AVX512-NEXT: %[[P21:.*]] = arith.mulf %[[A2]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P21]] : vector<16xf32>
// AVX512: %[[A3:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P30:.*]] = arith.mulf %[[A3]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P30]] : vector<16xf32>
// AVX512-NEXT: %[[P31:.*]] = arith.mulf %[[A3]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P31]] : vector<16xf32>
// AVX512: %[[A4:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P40:.*]] = arith.mulf %[[A4]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P40]] : vector<16xf32>
// AVX512-NEXT: %[[P41:.*]] = arith.mulf %[[A4]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P41]] : vector<16xf32>
// AVX512: %[[A5:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P50:.*]] = arith.mulf %[[A5]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P50]] : vector<16xf32>
// AVX512-NEXT: %[[P51:.*]] = arith.mulf %[[A5]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P51]] : vector<16xf32>
// AVX512: %[[A6:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P60:.*]] = arith.mulf %[[A6]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P60]] : vector<16xf32>
// AVX512-NEXT: %[[P61:.*]] = arith.mulf %[[A6]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P61]] : vector<16xf32>
// AVX512: %[[A7:.*]] = vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NEXT: %[[P70:.*]] = arith.mulf %[[A7]], %[[EVEN]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P70]] : vector<16xf32>
// AVX512-NEXT: %[[P71:.*]] = arith.mulf %[[A7]], %[[ODD]] : vector<16xf32>
// AVX512-NEXT: arith.addf %{{.*}}, %[[P71]] : vector<16xf32>
// AVX512-NEXT: scf.yield
// After the k loop: the block scales (one scale row read for the tile),
// applied per row and vector, added to the accumulators.
// AVX512: vector.transfer_read {{.*}} : tensor<1x2x72xi8>, vector<32xi8>
// AVX512-COUNT-16: arith.addf %{{.*}} : vector<16xf32>
// AVX512: scf.yield
// The output is written once per tile, interleaved back to column order.
// AVX512: vector.interleave {{.*}} : vector<16xf32> -> vector<32xf32>
// AVX512: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %c0, %[[COL]]] {in_bounds = [true]} : vector<32xf32>, tensor<1x8x72xf32>
// The ragged last 8 columns: the same kernel, masked.
// AVX512: vector.transfer_read {{.*}}[%c0, %{{.*}}, %c32], %c0_i8 : tensor<1x64x36xi8>, vector<16xi8>
// AVX512: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %c0, %c64] : vector<32xf32>, tensor<1x8x72xf32>
// AVX512-NOT: fastmath
// AVX512-NOT: math.fma
// AVX512: return

// AVX2 (16 ymm, the table in two halves): row tiles of 4, 16 columns.
// The first tile (rows 0-3) prefetches, the second (rows 4-7) finds the
// lines in L2.
// AVX2-LABEL: func.func @prefill_mxfp4
// AVX2: scf.for %{{.*}} = %c0 to %c64 step %c16
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// AVX2-COUNT-2: memref.prefetch
// AVX2-COUNT-1: vector.transfer_read {{.*}} : tensor<1x64x36xi8>, vector<8xi8>
// AVX2-NOT: vector.transfer_read
// AVX2-COUNT-8: arith.mulf %{{.*}} : vector<8xf32>
// AVX2-NEXT: arith.addf
// AVX2-NEXT: scf.yield
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// AVX2-NOT: memref.prefetch
// AVX2: vector.transfer_read {{.*}} : tensor<1x64x36xi8>, vector<8xi8>
// AVX2-NOT: memref.prefetch
// AVX2: scf.yield
func.func @prefill_mxfp4(%a: tensor<8x64xf32>, %b: !mx.tensor<64x72xmxfp4, block = [32, 1]>) -> tensor<8x72xf32> {
  %c = mx.matmul %a, %b : tensor<8x64xf32>, !mx.tensor<64x72xmxfp4, block = [32, 1]> -> tensor<8x72xf32>
  return %c : tensor<8x72xf32>
}

// A ragged M = 13 with MXINT8 weights at avx512 (two 16-column sub-chunks
// per tile): balanced row tiles of 7 and 6 rows, i.e. 14 and 12
// accumulators, and per k step two code reads (decoded once each) for the
// lhs values of 7 (then 6) rows.
// Only the first tile prefetches (both sub-chunks, two lines each: rows of
// 40 bytes).
// AVX512-LABEL: func.func @prefill_ragged_mxint8
// AVX512: scf.for {{.*}} -> ({{(vector<16xf32>, ){13}vector<16xf32>}}) {
// AVX512: scf.for {{.*}} -> ({{(vector<16xf32>, ){13}vector<16xf32>}}) {
// AVX512-COUNT-4: memref.prefetch
// AVX512-COUNT-2: vector.transfer_read {{.*}} : tensor<1x64x40xi8>, vector<16xi8>
// AVX512-NOT: vector.transfer_read
// AVX512-COUNT-7: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NOT: vector.broadcast
// AVX512: scf.yield
// AVX512: scf.for {{.*}} -> ({{(vector<16xf32>, ){11}vector<16xf32>}}) {
// AVX512: scf.for {{.*}} -> ({{(vector<16xf32>, ){11}vector<16xf32>}}) {
// AVX512-NOT: memref.prefetch
// AVX512-COUNT-2: vector.transfer_read {{.*}} : tensor<1x64x40xi8>, vector<16xi8>
// AVX512-NOT: vector.transfer_read
// AVX512-COUNT-6: vector.broadcast %{{.*}} : f32 to vector<16xf32>
// AVX512-NOT: vector.broadcast
// AVX512: scf.yield
// AVX512: return
func.func @prefill_ragged_mxint8(%a: !mx.tensor<13x64xmxfp8_e4m3>, %b: !mx.tensor<64x40xmxint8, block = [32, 1]>) -> tensor<13x40xf32> {
  %c = mx.matmul %a, %b : !mx.tensor<13x64xmxfp8_e4m3>, !mx.tensor<64x40xmxint8, block = [32, 1]> -> tensor<13x40xf32>
  return %c : tensor<13x40xf32>
}

// M = 3 keeps the GEMV kernel (prefetched weight rows, no row tiles).
// AVX512-LABEL: func.func @gemv_rows
// AVX512: memref.prefetch
// AVX512: return
func.func @gemv_rows(%a: tensor<3x64xf32>, %b: !mx.tensor<64x256xmxfp4, block = [32, 1]>) -> tensor<3x256xf32> {
  %c = mx.matmul %a, %b : tensor<3x64xf32>, !mx.tensor<64x256xmxfp4, block = [32, 1]> -> tensor<3x256xf32>
  return %c : tensor<3x256xf32>
}

// threads: column panels of whole tiles under an scf.forall, each writing a
// dynamic-width slice of the output; the ragged columns after it.
// PANELS-LABEL: func.func @prefill_mxfp4
// PANELS: scf.forall (%{{.*}}) in (2) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x8x72xf32>)
// PANELS: tensor.extract_slice {{.*}} to tensor<1x8x?xf32>
// PANELS: tensor.parallel_insert_slice {{.*}} into tensor<1x8x72xf32>
// PANELS: vector.transfer_write %{{.*}}, %{{.*}}[%c0, %{{.*}}, %c64] : vector<32xf32>, tensor<1x8x72xf32>
// PANELS-LABEL: func.func @prefill_ragged_mxint8
// PANELS-NOT: scf.forall
// PANELS-LABEL: func.func @gemv_rows

// FP8 and FP6 weights through the tables (avx512-vbmi): a sub-chunk of 64
// columns per k step. E4M3's 64 bytes fill one line of a 128-byte row: one
// prefetch; E2M3's 48 bytes straddle two lines half the time: two.
// VBMI-LABEL: func.func @prefill_e4m3
// VBMI: scf.for {{.*}} -> ({{(vector<16xf32>, ){19}vector<16xf32>}}) {
// VBMI: %[[ROW:.*]] = arith.minui %{{.*}}, %c63 : index
// VBMI: memref.prefetch %{{.*}}[%c0, %[[ROW]], %{{.*}}], read, locality<2>, data
// VBMI-NOT: memref.prefetch
// VBMI: mx_x86.vpermi2b.512
// VBMI-LABEL: func.func @prefill_e2m3
// VBMI: scf.for {{.*}} -> ({{(vector<16xf32>, ){19}vector<16xf32>}}) {
// VBMI: %[[FIRST:.*]] = arith.divui %{{.*}}, %c8 : index
// VBMI-NEXT: %[[END:.*]] = arith.addi %[[FIRST]], %c47 : index
// VBMI-NEXT: %[[LAST:.*]] = arith.minui %[[END]], %c95 : index
// VBMI-NEXT: memref.prefetch %{{.*}}[%c0, %{{.*}}, %[[FIRST]]]
// VBMI-NEXT: memref.prefetch %{{.*}}[%c0, %{{.*}}, %[[LAST]]]
// VBMI-NOT: memref.prefetch
// VBMI: mx_x86.vpermi2w.512
func.func @prefill_e4m3(%a: tensor<5x64xf32>, %b: !mx.tensor<64x128xmxfp8_e4m3, block = [32, 1]>) -> tensor<5x128xf32> {
  %c = mx.matmul %a, %b : tensor<5x64xf32>, !mx.tensor<64x128xmxfp8_e4m3, block = [32, 1]> -> tensor<5x128xf32>
  return %c : tensor<5x128xf32>
}
func.func @prefill_e2m3(%a: tensor<5x64xf32>, %b: !mx.tensor<64x128xmxfp6_e2m3, block = [32, 1]>) -> tensor<5x128xf32> {
  %c = mx.matmul %a, %b : tensor<5x64xf32>, !mx.tensor<64x128xmxfp6_e2m3, block = [32, 1]> -> tensor<5x128xf32>
  return %c : tensor<5x128xf32>
}

// prefetch-distance=0: no prefetch in either kernel.
// NOPF-NOT: memref.prefetch
