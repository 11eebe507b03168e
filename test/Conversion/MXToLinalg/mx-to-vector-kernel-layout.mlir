// Weights passed in the kernel's layout (mx.kernel_layout, docs/Lowering.md
// "Weights re-laid at load time"): the lowering defines the layout function,
// which copies each 64-column chunk's K rows and block scales into the layout
// of re-laid constant weights, and the GEMV reads its arguments as that
// layout, with no copy of its own. Bit for bit against the reference:
// Integration/CPU/differential-matmul-intdot-layout.test.
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2" --canonicalize --cse | FileCheck %s
// With panels (mx-cpu-pipeline's threads), the layout function copies the
// chunks in panels too, one scf.forall iteration each, on its own slice of
// both outputs: as many panels as divide the chunks (2 of 2 here).
// RUN: mx-opt %s --convert-mx-to-linalg="vectorize target=avx2 panels=3" --canonicalize --cse | FileCheck %s --check-prefix=PANELS
// PANELS-LABEL: func.func private @w_layout(
// PANELS: %[[P:.*]]:2 = scf.forall (%[[I:.*]]) in (2) shared_outs(%[[SC:.*]] = %{{.*}}, %[[SS:.*]] = %{{.*}}) -> (tensor<1x2x8192xi8>, tensor<1x2x512xi8>)
// PANELS-NEXT: %[[CT:.*]] = tensor.extract_slice %[[SC]][0, %[[I]], 0] [1, 1, 8192] [1, 1, 1]
// PANELS-NEXT: %[[ST:.*]] = tensor.extract_slice %[[SS]][0, %[[I]], 0] [1, 1, 512] [1, 1, 1]
// PANELS: %[[CW:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[CT]]) -> (tensor<1x1x8192xi8>)
// PANELS: %[[SW:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[ST]]) -> (tensor<1x1x512xi8>)
// PANELS: scf.forall.in_parallel {
// PANELS-NEXT: tensor.parallel_insert_slice %[[CW]] into %[[SC]][0, %[[I]], 0] [1, 1, 8192] [1, 1, 1]
// PANELS-NEXT: tensor.parallel_insert_slice %[[SW]] into %[[SS]][0, %[[I]], 0] [1, 1, 512] [1, 1, 1]
// PANELS-LABEL: func.func @gemv(

// The declared layout function gets its body, written in place: for each
// group of 16 K rows (AVX2's four word steps of four rows), every chunk (2
// of them) in turn: its 16 packed rows, their bytes and words interleaved
// as the kernel's unpacks would, 16 vectors into the chunk's run of the
// [batch, N / 64, K * 32] codes; then for each K block, every chunk's 64
// scale codes in the accumulator's lane order; both returned as the
// components they came as.
// CHECK-LABEL: func.func private @w_layout(
// CHECK-SAME: %[[C:.*]]: tensor<256x64xi8>, %[[S:.*]]: tensor<8x128xi8>) -> (tensor<256x64xi8>, tensor<8x128xi8>)
// CHECK-DAG: %[[ROWS:.*]] = tensor.expand_shape %[[C]] {{.*}} into tensor<1x256x64xi8>
// CHECK-DAG: %[[SROWS:.*]] = tensor.expand_shape %[[S]] {{.*}} into tensor<1x8x128xi8>
// CHECK: %[[OUT:.*]] = scf.for %{{.*}} = %c0 to %c16 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x2x8192xi8>)
// CHECK: scf.for %[[CH:.*]] = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x2x8192xi8>)
// CHECK-COUNT-16: vector.transfer_read %[[ROWS]]{{.*}} : tensor<1x256x64xi8>, vector<32xi8>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 32, 1, 33, 2, 34, 3, 35, 4, 36, 5, 37, 6, 38, 7, 39, 16, 48, 17, 49, 18, 50, 19, 51, 20, 52, 21, 53, 22, 54, 23, 55] : vector<32xi8>, vector<32xi8>
// CHECK-COUNT-16: vector.transfer_write %{{.*}}[%{{.*}}, %[[CH]], %{{.*}}] {in_bounds = [true]} : vector<32xi8>, tensor<1x2x8192xi8>
// CHECK: %[[SOUT:.*]] = scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x2x512xi8>)
// CHECK: scf.for %[[SCH:.*]] = %c0 to %c2 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x2x512xi8>)
// CHECK: %[[CODES:.*]] = vector.transfer_read %[[SROWS]]{{.*}} : tensor<1x8x128xi8>, vector<64xi8>
// CHECK-NEXT: %[[LANES:.*]] = vector.shuffle %[[CODES]], %[[CODES]] [0, 2, 4, 6, 32, 34, 36, 38, 8, 10, 12, 14, 40, 42, 44, 46,
// CHECK: vector.transfer_write %[[LANES]], %{{.*}}[%{{.*}}, %[[SCH]], %{{.*}}] {in_bounds = [true]} : vector<64xi8>, tensor<1x2x512xi8>
// CHECK-NOT: tensor.insert_slice
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[OUT]] {{.*}} into tensor<16384xi8>
// CHECK: %[[CO:.*]] = tensor.expand_shape %[[F]] {{.*}} into tensor<256x64xi8>
// CHECK: %[[FS:.*]] = tensor.collapse_shape %[[SOUT]] {{.*}} into tensor<1024xi8>
// CHECK: %[[SO:.*]] = tensor.expand_shape %[[FS]] {{.*}} into tensor<8x128xi8>
// CHECK: return %[[CO]], %[[SO]] : tensor<256x64xi8>, tensor<8x128xi8>
func.func private @w_layout(!mx.tensor<256x128xmxfp4, block = [32, 1]>) -> !mx.tensor<256x128xmxfp4, block = [32, 1]>

// The GEMV views its weight components in that layout (the attribute is
// gone with the !mx.tensor) and reads them as re-laid constants: a
// chunk's 64 scale codes, its tiled codes; it copies nothing into tiles.
// CHECK-LABEL: func.func @gemv(
// CHECK-SAME: %{{.*}}: tensor<1x256xi8>, %{{.*}}: tensor<1x8xi8>, %[[W:.*]]: tensor<256x64xi8>, %[[WS:.*]]: tensor<8x128xi8>) -> tensor<1x128xf32> {
// CHECK: %[[WF:.*]] = tensor.collapse_shape %[[W]] {{.*}} into tensor<16384xi8>
// CHECK: %[[WT:.*]] = tensor.expand_shape %[[WF]] {{.*}} into tensor<1x2x8192xi8>
// CHECK: %[[SF:.*]] = tensor.collapse_shape %[[WS]] {{.*}} into tensor<1024xi8>
// CHECK: %[[ST:.*]] = tensor.expand_shape %[[SF]] {{.*}} into tensor<1x2x512xi8>
// CHECK: vector.transfer_read %[[ST]]{{.*}} : tensor<1x2x512xi8>, vector<64xi8>
// CHECK: vector.transfer_read %[[WT]]{{.*}} : tensor<1x2x8192xi8>, vector<32xi8>
// CHECK-NOT: tensor.insert_slice
// CHECK-NOT: tensor<1x1x8192xi8>
// CHECK-LABEL: func.func @gemv_nvfp4(
func.func @gemv(%a: !mx.tensor<1x256xmxint8>, %w: !mx.tensor<256x128xmxfp4, block = [32, 1]> {mx.kernel_layout = @w_layout}) -> tensor<1x128xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x256xmxint8>, !mx.tensor<256x128xmxfp4, block = [32, 1]> -> tensor<1x128xf32>
  return %r : tensor<1x128xf32>
}

// NVFP4 with 16x16 blocks: 4 scale codes per chunk and block, as they are;
// the tensor scale passes through. An undeclared layout function is created,
// public.
// CHECK: tensor.expand_shape %{{.*}} into tensor<1x2x2048xi8>
// CHECK: tensor.expand_shape %{{.*}} into tensor<1x2x16xi8>
// CHECK-LABEL: func.func @v_layout(
// CHECK-SAME: %{{.*}}: tensor<64x64xi8>, %{{.*}}: tensor<4x8xi8>, %[[G:.*]]: f32) -> (tensor<64x64xi8>, tensor<4x8xi8>, f32)
// CHECK: vector.transfer_read {{.*}} : tensor<1x4x8xi8>, vector<4xi8>
// CHECK-NOT: vector.shuffle
// CHECK: vector.transfer_write {{.*}} : vector<4xi8>, tensor<1x2x16xi8>
// CHECK: return %{{.*}}, %{{.*}}, %[[G]] : tensor<64x64xi8>, tensor<4x8xi8>, f32
func.func @gemv_nvfp4(%a: !mx.tensor<1x64xmxint8, block = [1, 16]>, %w: !mx.tensor<64x128xnvfp4, block = [16, 16]> {mx.kernel_layout = @v_layout}) -> tensor<1x128xf32> {
  %r = mx.matmul %a, %w : !mx.tensor<1x64xmxint8, block = [1, 16]>, !mx.tensor<64x128xnvfp4, block = [16, 16]> -> tensor<1x128xf32>
  return %r : tensor<1x128xf32>
}
