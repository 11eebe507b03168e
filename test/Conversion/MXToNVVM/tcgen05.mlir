// The tcgen05 kernel's IR (convert-mx-to-gpu on sm_100a): ops, workgroup
// buffers, addresses, descriptors and the instruction descriptors from the
// encoder; the remark naming the path; the fallback of a shape the kernel
// does not tile; sm_120a keeps mma.sync.
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_100a 2>&1 | FileCheck %s
// RUN: mx-opt %s --convert-mx-to-gpu=chip=sm_120a 2>&1 | FileCheck %s --check-prefix=SM120

// CHECK: remark: mx.matmul on sm_100a: path native (tcgen05.mma block_scale kind=mxf4 .block32 ue8m0, tile 128x8): the fastest legal path
// CHECK: remark: mx.matmul on sm_100a: path fp8 ({{.*}}): not faster paths because native: the 16x8x64 matmul does not tile into 128 x (8..128) tiles with K in chunks of 128
// SM120: remark: mx.matmul on sm_120a: path native (block-scaled mma.sync m16n8k64 kind::mxf4 scale_vec::2X ue8m0)
// SM120-NOT: nvvm.tcgen05
// SM120: nvvm.mma.block_scale
// SM120-NOT: nvvm.tcgen05

func.func @mxfp4(%a: !mx.tensor<128x256xmxfp4>, %w: !mx.tensor<256x8xmxfp4, block = [32, 1]>) -> tensor<128x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x256xmxfp4>, !mx.tensor<256x8xmxfp4, block = [32, 1]> -> tensor<128x8xf32>
  return %c : tensor<128x8xf32>
}

func.func @small(%a: !mx.tensor<16x64xmxfp4>, %w: !mx.tensor<64x8xmxfp4, block = [32, 1]>) -> tensor<16x8xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<16x64xmxfp4>, !mx.tensor<64x8xmxfp4, block = [32, 1]> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// Tile 128x8, K chunk 128 (4 units of 32 packed codes per row): sA 128 rows
// x 64 B, sB 8 x 64 B, the two 128x4 scale atoms, the mbarrier, the TMEM slot.
// CHECK-LABEL: gpu.func @mx_matmul_tcgen05_0(
// CHECK-SAME: workgroup(%[[SA:.*]] : memref<8192xi8, #gpu.address_space<workgroup>> {llvm.align = 1024 : i64}, %[[SB:.*]] : memref<512xi8, #gpu.address_space<workgroup>> {llvm.align = 1024 : i64}, %[[SFA:.*]] : memref<512xi8, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}, %[[SFB:.*]] : memref<512xi8, #gpu.address_space<workgroup>> {llvm.align = 128 : i64}, %[[BAR:.*]] : memref<1xi64, #gpu.address_space<workgroup>> {llvm.align = 8 : i64}, %[[SLOT:.*]] : memref<1xi32, #gpu.address_space<workgroup>>) kernel
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[BARI:.*]] = memref.extract_aligned_pointer_as_index %[[BAR]]
// CHECK: %[[BAR64:.*]] = arith.index_castui %[[BARI]] : index to i64
// CHECK: %[[BARP:.*]] = llvm.inttoptr %[[BAR64]] : i64 to !llvm.ptr<3>
// CHECK: %[[SLOTP:.*]] = llvm.inttoptr %{{.*}} : i64 to !llvm.ptr<3>
// CHECK: %[[NCOLS:.*]] = arith.constant 32 : i32
// CHECK: nvvm.mbarrier.init %[[BARP]], %{{.*}} : !llvm.ptr<3>, i32
// CHECK: nvvm.tcgen05.alloc %[[SLOTP]], %[[NCOLS]] : !llvm.ptr<3>, i32
// CHECK-NEXT: nvvm.tcgen05.relinquish_alloc_permit
// CHECK: nvvm.tcgen05.fence <before>
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.tcgen05.fence <after>
// CHECK: %[[TBASE:.*]] = memref.load %[[SLOT]]
// Two K chunks of 128.
// CHECK: scf.for %[[KC:.*]] = %{{.*}} to %c2{{.*}} step
// A: row tid, unit u at (tid / 8) * 512 + u * 128 + (tid % 8) * 16.
// CHECK: scf.for %[[U:.*]] =
// CHECK-DAG: %[[R8:.*]] = arith.remui %[[TID]], %c8
// CHECK-DAG: arith.muli %[[R8]], %c16
// CHECK-DAG: arith.muli %[[U]], %c128
// CHECK-DAG: %[[G8:.*]] = arith.divui %[[TID]], %c8
// CHECK-DAG: arith.muli %[[G8]], %c512
// CHECK: memref.load %arg0[
// CHECK: memref.store %{{.*}}, %[[SA]][
// B: column n0 + tid gathered code by code (two E2M1 codes per byte).
// CHECK: memref.load %arg2[
// CHECK: memref.store %{{.*}}, %[[SB]][
// Scales: byte (tid % 32) * 16 + (tid / 32) * 4 + j.
// CHECK-DAG: %[[R32:.*]] = arith.remui %[[TID]], %c32
// CHECK-DAG: %[[G32:.*]] = arith.divui %[[TID]], %c32
// CHECK-DAG: arith.muli %[[R32]], %c16
// CHECK-DAG: arith.muli %[[G32]], %c4
// CHECK: memref.load %arg1[
// CHECK: memref.store %{{.*}}, %[[SFA]][
// CHECK: memref.load %arg3[
// CHECK: memref.store %{{.*}}, %[[SFB]][
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: gpu.barrier
// Thread 0: scale copies to columns 8 and 12, two MMAs (sf ids 0, 2).
// CHECK: scf.if
// CHECK: arith.addi %[[TBASE]], %c8_i32
// CHECK: arith.addi %[[TBASE]], %c12_i32
// CHECK: %[[SDESC:.*]] = arith.constant 70403104440320 : i64
// CHECK: nvvm.tcgen05.cp %{{.*}}, %{{.*}} {multicast = #nvvm.tcgen05_cp_multicast<warpx4>, shape = #nvvm.tcgen05_cp_shape<shape_32x128b>}
// CHECK: nvvm.tcgen05.cp %{{.*}}, %{{.*}} {multicast = #nvvm.tcgen05_cp_multicast<warpx4>, shape = #nvvm.tcgen05_cp_shape<shape_32x128b>}
// Operand descriptors: (address >> 4) & 0x3fff | {LBO 128, SBO 512}.
// CHECK: arith.constant 70506183655424 : i64
// CHECK: %[[DA:.*]] = arith.ori
// CHECK: arith.constant 70506183655424 : i64
// CHECK: %[[DB:.*]] = arith.ori
// CHECK: %[[ID0:.*]] = arith.constant 142738560 : i32
// CHECK: nvvm.tcgen05.mma.block_scale %{{.*}}, %[[DA]], %[[DB]], %[[ID0]], %{{.*}}, %{{.*}}, %{{.*}} {blockScale = #nvvm.tcgen05_mma_block_scale<block32>, ctaGroup = #nvvm.cta_group<cta_1>, kind = #nvvm.block_scale_kind<mxf4>}
// CHECK: %[[ID1:.*]] = arith.constant 1216480416 : i32
// CHECK: nvvm.tcgen05.mma.block_scale %{{.*}}, %{{.*}}, %{{.*}}, %[[ID1]], %true{{.*}}, %{{.*}}, %{{.*}} {blockScale = #nvvm.tcgen05_mma_block_scale<block32>, ctaGroup = #nvvm.cta_group<cta_1>, kind = #nvvm.block_scale_kind<mxf4>}
// CHECK: nvvm.tcgen05.commit %[[BARP]]
// CHECK: scf.while
// CHECK: nvvm.mbarrier.try_wait %[[BARP]], %{{.*}} : !llvm.ptr<3>, i32 -> i1
// CHECK: nvvm.tcgen05.fence <after>
// Warp w reads lanes 32w..32w+31: tbase + ((32 w) << 16), 8 columns.
// CHECK: %[[LANE:.*]] = arith.shli %{{.*}}, %c16_i32
// CHECK: %[[ROW:.*]] = arith.addi %[[TBASE]], %[[LANE]]
// CHECK: %[[ROWP:.*]] = llvm.inttoptr %[[ROW]] : i32 to !llvm.ptr<6>
// CHECK: %[[ACC:.*]] = nvvm.tcgen05.ld %[[ROWP]] {shape = #nvvm.tcgen05_ldst_shape<shape_32x32b>} : vector<8xi32>
// CHECK: nvvm.tcgen05.wait <load>
// CHECK: llvm.extractelement %[[ACC]]
// CHECK: llvm.bitcast %{{.*}} : i32 to f32
// CHECK: memref.store %{{.*}}, %arg4[
// CHECK: nvvm.tcgen05.fence <before>
// CHECK: gpu.barrier
// CHECK: nvvm.tcgen05.dealloc %{{.*}}, %[[NCOLS]] : !llvm.ptr<6>, i32

// The host functions, after the kernels' GPU module (docs/Robustness.md,
// "The GPU verifier looks each launch's kernel up by a scan").
// CHECK-LABEL: func.func @mxfp4
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_tcgen05_0 blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%c128
// CHECK-LABEL: func.func @small
// CHECK: gpu.launch_func @mx_kernels::@mx_matmul_fp8_1
