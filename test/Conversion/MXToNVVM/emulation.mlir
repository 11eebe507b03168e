// The emulated paths: FP8 mma.sync m16n8k32 (sm_89+), BF16 mma.sync m16n8k16
// (sm_80+), each MMA started from zero per K block and its f32 partial sums
// scaled by the block scales, and the gemv kernel for small M.
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_90a -split-input-file 2>/dev/null | FileCheck %s --check-prefix=SM90
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_80 -split-input-file 2>/dev/null | FileCheck %s --check-prefix=SM80

// MXFP6 E2M3 re-encoded as E4M3, E5M2 kept: the e4m3.e5m2 FP8 MMA.
// SM90-LABEL: gpu.module @mx_kernels [#nvvm.target<chip = "sm_90a", features = "+ptx88">]
// SM90: gpu.func @mx_matmul_fp8_0
// SM90: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// SM90: scf.for %{{.*}} = %c0 to %c128 step %c32 iter_args(%[[ACC:.*]] = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// SM90-NOT: nvvm.mma.block_scale
// SM90: %[[D:.*]] = llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e5m2.f32"({{.*}}, %[[C0:.*]], %[[C0]], %[[C0]], %[[C0]]) : (i32, i32, i32, i32, i32, i32, f32, f32, f32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// SM90: %[[P:.*]] = llvm.extractvalue %[[D]][0]
// The block scales on the partial sum (two E8M0 exponents, no f64: the
// codes << 23 added, clamped to [128, 381] << 23 (t), the factors
// 2^(t - 127) and 2^(s - t), docs/Lowering.md "Block scales"); NaN for a
// 255 code.
// SM90-NOT: f64
// SM90: %[[CA:.*]] = arith.extui %{{.*}} : i8 to i32
// SM90: %[[CB:.*]] = arith.extui %{{.*}} : i8 to i32
// SM90: %[[NA:.*]] = arith.cmpi eq, %[[CA]], %c255_i32
// SM90: %[[NB:.*]] = arith.cmpi eq, %[[CB]], %c255_i32
// SM90: %[[A23:.*]] = arith.shli %[[CA]], %c23_i32
// SM90: %[[B23:.*]] = arith.shli %[[CB]], %c23_i32
// SM90: %[[NAN:.*]] = arith.ori %[[NA]], %[[NB]] : i1
// SM90: %[[S:.*]] = arith.addi %[[A23]], %[[B23]] : i32
// SM90: %[[LO:.*]] = arith.maxui %[[S]], %c1073741824_i32
// SM90: %[[T:.*]] = arith.minui %[[LO]], %c-1098907648_i32
// SM90: %[[C2:.*]] = arith.addi %[[T]], %c-1065353216_i32
// SM90: %[[D:.*]] = arith.subi %[[S]], %[[T]]
// SM90: %[[C1R:.*]] = arith.addi %[[D]], %c1065353216_i32
// SM90: %[[C1:.*]] = arith.maxsi %[[C1R]], %c8388608_i32
// SM90: %[[F1:.*]] = arith.bitcast %[[C1]] : i32 to f32
// SM90: %[[R1:.*]] = arith.mulf %[[P]], %[[F1]] : f32
// SM90: %[[F2:.*]] = arith.bitcast %[[C2]] : i32 to f32
// SM90: %[[R2:.*]] = arith.mulf %[[R1]], %[[F2]] : f32
// SM90: %[[QNAN:.*]] = arith.constant 0x7FC00000 : f32
// SM90: %[[V:.*]] = arith.select %[[NAN]], %[[QNAN]], %[[R2]] : f32
// SM90: arith.addf %[[ACC]], %[[V]] : f32
// SM90-LABEL: func.func @fp8(
// SM80-LABEL: gpu.module @mx_kernels
// SM80: gpu.func @mx_matmul_bf16_0
// SM80-NOT: call_intrinsic
// SM80: nvvm.mma.sync
// SM80-LABEL: func.func @fp8(
func.func @fp8(%a: !mx.tensor<32x128xmxfp6_e2m3>, %w: !mx.tensor<128x16xmxfp8_e5m2, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp6_e2m3>, !mx.tensor<128x16xmxfp8_e5m2, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

// MXINT8 is not exact in FP8: BF16, two chained m16n8k16 per 32-element block
// (the second accumulating on the first), each element's f32 pattern >> 16.
// SM90-LABEL: gpu.module @mx_kernels
// SM90: gpu.func @mx_matmul_bf16_0
// SM90: arith.shrui %{{.*}}, %c16_i32
// SM90: %[[D0:.*]] = nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[%[[Z:.*]], %[[Z]], %[[Z]], %[[Z]]] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
// SM90: %[[E0:.*]] = llvm.extractvalue %[[D0]][0]
// SM90: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[%[[E0]], %{{.*}}, %{{.*}}, %{{.*}}]
// SM90-LABEL: func.func @int8(
func.func @int8(%a: !mx.tensor<16x64xmxint8>, %w: !mx.tensor<64x8xmxint8, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxint8>, !mx.tensor<64x8xmxint8, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// MXFP4 x MXFP4, packed decode (docs/Lowering.md, "Packed FP4 decode",
// "Repacked operands"): both operands are first copied into scratch memory
// by mx_repack_lhs_0 / mx_repack_rhs_0 (one thread per word of 8 codes of a
// row or column), then lane (g, t) reads the word of K = k0 + 8t .. + 7 of
// each A row and B column, and each fragment register is one or two masks
// of the word shifted. FP8: E4M3 bytes of value * 2^-6, the 2^12 added to
// the block-scale exponent. BF16: a pair per register, value * 2^-126 made
// exact by one bf16x2 multiply by 2^126.
// SM90-LABEL: gpu.module @mx_kernels
// The lhs repack: the word's 4 bytes, each bit of each code placed, 4
// byte stores.
// SM90: gpu.func @mx_repack_lhs_0(%[[LIN:.*]]: memref<16x32xi8>, %[[LOUT:.*]]: memref<16x32xi8>) kernel
// SM90-COUNT-4: memref.load %[[LIN]]
// SM90-COUNT-4: memref.store %{{.*}}, %[[LOUT]]
// The rhs repack: 8 bytes of one byte column, the column's nibble.
// SM90: gpu.func @mx_repack_rhs_0(%[[IN:.*]]: memref<64x4xi8>, %[[OUT:.*]]: memref<8x32xi8>) kernel
// SM90: arith.remui %{{.*}}, %c2
// SM90-COUNT-8: memref.load %[[IN]]
// SM90-COUNT-4: memref.store %{{.*}}, %[[OUT]]
// SM90: gpu.func @mx_matmul_fp8_0
// SM90: memref.reinterpret_cast %arg0 to offset: [0], sizes: [512], strides: [1] : memref<16x32xi8> to memref<512xi8>
// SM90: %[[AWORDS:.*]] = memref.view %{{.*}} : memref<512xi8> to memref<128xi32>
// SM90: memref.reinterpret_cast %arg2 to offset: [0], sizes: [256], strides: [1] : memref<8x32xi8> to memref<256xi8>
// SM90: %[[BWORDS:.*]] = memref.view %{{.*}} : memref<256xi8> to memref<64xi32>
// SM90: scf.for
// A row: w & 0x9C9C9C9C and ((w << 2) & 0x8C8C8C8C) | ((w >> 2) & 0x10101010).
// SM90: %[[W:.*]] = memref.load %[[AWORDS]][%{{.*}}] : memref<128xi32>
// SM90: %[[LO:.*]] = arith.andi %[[W]], %c-1667457892_i32
// SM90: %[[WL:.*]] = arith.shli %[[W]], %c2_i32
// SM90: %[[WLM:.*]] = arith.andi %[[WL]], %c-1936946036_i32
// SM90: %[[WR:.*]] = arith.shrui %[[W]], %c2_i32
// SM90: %[[WRM:.*]] = arith.andi %[[WR]], %c269488144_i32
// SM90: %[[HI:.*]] = arith.ori %[[WLM]], %[[WRM]]
// SM90: %[[BW:.*]] = memref.load %[[BWORDS]][%{{.*}}] : memref<64xi32>
// SM90: %[[B0:.*]] = arith.andi %[[BW]], %c-1667457892_i32
// SM90: %[[D:.*]] = llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e4m3.f32"(%[[LO]], %{{.*}}, %[[HI]], %{{.*}}, %[[B0]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// SM90: %[[P:.*]] = llvm.extractvalue %[[D]][0]
// The 2^12 of the two decodes moves the clamp bounds: [116, 369] << 23,
// and the first factor is clamped to 2^127 instead of from below.
// SM90-NOT: 4.096000e+03
// SM90: arith.maxui %{{.*}}, %c973078528_i32
// SM90: arith.minui %{{.*}}, %c-1199570944_i32
// SM90: arith.minui %{{.*}}, %c2130706432_i32
// SM90-LABEL: func.func @fp4_packed(
// SM90: %[[ACOPY:.*]] = memref.alloc() : memref<16x32xi8>
// SM90: gpu.launch_func @mx_kernels::@mx_repack_lhs_0 blocks in (%c1, %c1{{.*}}, %c1{{.*}}) threads in (%c128, %c1{{.*}}, %c1{{.*}}) args(%{{.*}} : memref<16x32xi8>, %[[ACOPY]] : memref<16x32xi8>)
// SM90: %[[BCOPY:.*]] = memref.alloc() : memref<8x32xi8>
// SM90: gpu.launch_func @mx_kernels::@mx_repack_rhs_0 {{.*}} args(%{{.*}} : memref<64x4xi8>, %[[BCOPY]] : memref<8x32xi8>)
// SM90: gpu.launch_func @mx_kernels::@mx_matmul_fp8_0 {{.*}} args(%[[ACOPY]] : memref<16x32xi8>, %{{.*}} : memref<16x2xi8>, %[[BCOPY]] : memref<8x32xi8>, %{{.*}} : memref<2x8xi8>, %{{.*}} : memref<16x8xf32>)
// SM80-LABEL: gpu.module @mx_kernels
// SM80: gpu.func @mx_matmul_bf16_0
// SM80: memref.view %{{.*}} : memref<512xi8> to memref<128xi32>
// SM80: %[[W:.*]] = memref.load %{{.*}} : memref<128xi32>
// Register 0: w & 0x81C081C0; register 1: (w << 3) & 0x81C081C0.
// SM80: %[[BITS:.*]] = arith.andi %[[W]], %c-2118090304_i32
// SM80: %[[PAIR:.*]] = llvm.bitcast %[[BITS]] : i32 to vector<2xbf16>
// SM80: %[[TWO126:.*]] = arith.constant dense<8.507050e+37> : vector<2xbf16>
// SM80: %[[EXACT:.*]] = arith.mulf %[[PAIR]], %[[TWO126]] : vector<2xbf16>
// SM80: %[[REG:.*]] = llvm.bitcast %[[EXACT]] : vector<2xbf16> to i32
// SM80: %[[W3:.*]] = arith.shli %[[W]], %c3_i32
// SM80: arith.andi %[[W3]], %c-2118090304_i32
// SM80: nvvm.mma.sync A[%[[REG]], {{.*}}] B[{{.*}}] C[{{.*}}]
// SM80-LABEL: func.func @fp4_packed(
// SM80: gpu.launch_func @mx_kernels::@mx_repack_lhs_0
// SM80: gpu.launch_func @mx_kernels::@mx_repack_rhs_0
// SM80: gpu.launch_func @mx_kernels::@mx_matmul_bf16_0
func.func @fp4_packed(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// Batch 1: the gemv kernel. 256 columns = 32 groups of 8; 8 lanes read one
// row side by side (the 8 words of a 32-byte sector), so a warp has 4 K
// slots, and K = 128 (4 blocks) needs one warp: 4 thread blocks of 32
// threads. Lane l owns group 8 * blockIdx.x + l % 8 and takes the K blocks
// l / 8, l / 8 + 4, ...; inside a block the reference order (a product,
// then an add; no MMA) on the 8 codes of one i32 word of the E2M1 rhs, the
// block's 32 rows unrolled (their 32 word loads in straight-line code, no
// inner loop); the slot sums added by xor shuffles 8 and 16 (never 1-4,
// which would mix columns); the first 8 threads store.
// SM90-LABEL: gpu.module @mx_kernels
// SM90: gpu.func @mx_matmul_gemv_0({{.*}}) kernel attributes {nvvm.maxntid = array<i32: 32, 1, 1>}
// SM90-NOT: nvvm.mma
// SM90: %[[TID:.*]] = gpu.thread_id x
// SM90: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// SM90: arith.remui %[[LANE]], %c8
// SM90: arith.divui %[[LANE]], %c8
// SM90: memref.view %{{.*}} : memref<16384xi8> to memref<4096xi32>
// SM90: scf.for %{{.*}} = %{{.*}} to %c4{{.*}} step %c4
// SM90-NOT: scf.for
// SM90-COUNT-32: memref.load %{{.*}} : memref<4096xi32>
// SM90-NOT: memref.load %{{.*}} : memref<4096xi32>
// SM90: %[[PROD:.*]] = arith.mulf %{{[0-9]+}}, %{{[0-9]+}} : f32
// SM90-NEXT: arith.addf %{{.*}}, %[[PROD]] : f32
// SM90-NOT: nvvm.mma
// SM90: %[[FIRST:.*]] = arith.cmpi ult, %[[TID]], %c8
// SM90-NOT: gpu.shuffle xor %{{.*}}, %c{{[1-4]}}_i32
// SM90: %[[S1:.*]], %{{.*}} = gpu.shuffle xor %[[V0:.*]], %c8_i32, %c32_i32 : f32
// SM90-NEXT: %[[V1:.*]] = arith.addf %[[V0]], %[[S1]] : f32
// SM90: gpu.shuffle xor %[[V1]], %c16_i32{{.*}}, %c32_i32{{.*}} : f32
// SM90-NOT: gpu.barrier
// SM90: scf.if %[[FIRST]]
// SM90-COUNT-8: memref.store
// SM90: gpu.return
// SM90-LABEL: func.func @gemv(
// SM90: gpu.launch_func @mx_kernels::@mx_matmul_gemv_0 blocks in (%c4, %c1{{.*}}, %c1{{.*}}) threads in (%c32, %c1{{.*}}, %c1{{.*}})
func.func @gemv(%a: !mx.tensor<1x128xmxfp8_e4m3>, %w: !mx.tensor<128x256xmxfp4, block = [32, 1]>) -> tensor<1x256xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<1x128xmxfp8_e4m3>, !mx.tensor<128x256xmxfp4, block = [32, 1]> -> tensor<1x256xf32>
  return %c : tensor<1x256xf32>
}

// -----

// A long K: 256 blocks over 4 slots per warp takes 16 warps (512 threads,
// the most; ptxas is told, so it allocates registers for them). Each warp's
// slot sums go to shared memory (lanes 0-7, 8 columns each), and after a
// barrier thread g < 8 adds group g's 16 warp sums in warp order.
// SM90-LABEL: gpu.module @mx_kernels
// SM90: gpu.func @mx_matmul_gemv_0({{.*}}) workgroup(%[[SH:.*]] : memref<1024xf32, #gpu.address_space<workgroup>>) kernel attributes {nvvm.maxntid = array<i32: 512, 1, 1>}
// SM90: %[[TID:.*]] = gpu.thread_id x
// SM90: %[[LANE:.*]] = arith.remui %[[TID]], %c32
// SM90: scf.for %{{.*}} = %{{.*}} to %c256 step %c64
// SM90: %[[PARK:.*]] = arith.cmpi ult, %[[LANE]], %c8
// SM90: %[[FIRST:.*]] = arith.cmpi ult, %[[TID]], %c8
// SM90: scf.if %[[PARK]]
// SM90-COUNT-8: memref.store %{{.*}}, %[[SH]][%{{.*}}] : memref<1024xf32, #gpu.address_space<workgroup>>
// SM90: gpu.barrier
// SM90-NEXT: scf.if %[[FIRST]]
// SM90: %[[W0:.*]] = memref.load %[[SH]]
// SM90: %[[W1:.*]] = memref.load %[[SH]]
// SM90-NEXT: %[[ACC:.*]] = arith.addf %[[W0]], %[[W1]] : f32
// SM90-COUNT-14: arith.addf
// SM90: memref.store %{{.*}}, %{{.*}} : memref<2x64xf32>
// SM90-LABEL: func.func @gemv_long_k(
// SM90: gpu.launch_func @mx_kernels::@mx_matmul_gemv_0 blocks in (%c1, %c2, %c1{{.*}}) threads in (%c512, %c1{{.*}}, %c1{{.*}})
func.func @gemv_long_k(%a: !mx.tensor<2x8192xmxfp8_e4m3>, %w: !mx.tensor<8192x64xmxfp4, block = [32, 1]>) -> tensor<2x64xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<2x8192xmxfp8_e4m3>, !mx.tensor<8192x64xmxfp4, block = [32, 1]> -> tensor<2x64xf32>
  return %c : tensor<2x64xf32>
}
