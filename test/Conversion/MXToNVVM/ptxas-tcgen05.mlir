// Datacenter Blackwell: every tcgen05.mma block_scale kind (mxf4, mxf4nvf4
// block16, mxf8f6f4 with MXFP6, MXFP8 and two mixed pairs;
// Inputs/tcgen05.mlir) through the whole pipeline on each chip of the
// family, assembled by ptxas. Pinned per kernel: TMEM allocation, the proxy
// fence, the two scale copies (32x128b warpx4), each MMA with its
// instruction descriptor (the constants below are computed from the PTX ISA
// field table, docs/Lowering.md), commit, mbarrier wait, tcgen05.ld of the
// tile's columns, dealloc; and the descriptors' fixed parts: scale copy
// {LBO 128, SBO 128} = 0x400800080000, operands {LBO 128, SBO = units * 128}.
// REQUIRES: ptxas
// RUN: mx-opt %S/Inputs/tcgen05.mlir --mx-nvvm-pipeline=chip=sm_100a 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.100a.ptx
// RUN: %ptxas -arch=sm_100a %t.100a.ptx -o %t.100a.cubin
// RUN: FileCheck %s --check-prefixes=CHECK,SM100A < %t.100a.ptx
// RUN: mx-opt %S/Inputs/tcgen05.mlir --mx-nvvm-pipeline=chip=sm_100f 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.100f.ptx
// RUN: %ptxas -arch=sm_100f %t.100f.ptx -o %t.100f.cubin
// RUN: FileCheck %s --check-prefixes=CHECK,SM100F < %t.100f.ptx
// RUN: mx-opt %S/Inputs/tcgen05.mlir --mx-nvvm-pipeline=chip=sm_103a 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.103a.ptx
// RUN: %ptxas -arch=sm_103a %t.103a.ptx -o %t.103a.cubin
// RUN: FileCheck %s --check-prefixes=CHECK,SM103A < %t.103a.ptx
// RUN: mx-opt %S/Inputs/tcgen05.mlir --mx-nvvm-pipeline=chip=sm_110a 2>/dev/null | %python %S/Inputs/extract_ptx.py > %t.110a.ptx
// RUN: %ptxas -arch=sm_110a %t.110a.ptx -o %t.110a.cubin
// RUN: FileCheck %s --check-prefixes=CHECK,SM110A < %t.110a.ptx
// RUN: FileCheck %s --check-prefix=DESC < %t.100a.ptx
// RUN: FileCheck %s --check-prefix=NOSYNC < %t.100a.ptx
// NOSYNC-NOT: mma.sync

// SM100A: .version 8.8
// SM100A: .target sm_100a
// SM100F: .version 8.8
// SM100F: .target sm_100f
// SM103A: .version 8.8
// SM103A: .target sm_103a
// SM110A: .version 9.0
// SM110A: .target sm_110a

// DESC-LABEL: .entry mx_matmul_tcgen05_0(
// DESC-DAG: or.b64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, 70403104440320;
// DESC-DAG: or.b64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, 70506183655424;
// DESC-LABEL: .entry mx_matmul_tcgen05_2(
// DESC-DAG: or.b64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, 70403104440320;
// DESC-DAG: or.b64 %rd{{[0-9]+}}, %rd{{[0-9]+}}, 70643622608896;

// MXFP4 (E2M1 x E2M1, UE8M0, K chunk 128: two K=64 MMAs, sf ids 0 and 2)
// CHECK-LABEL: .entry mx_matmul_tcgen05_0(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I0_0:%r[0-9]+]], 144704640;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I0_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I0_2:%r[0-9]+]], 1218446496;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I0_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x128.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// NVFP4 (UE4M3 block16: one K=64 MMA, sf id 0)
// CHECK-LABEL: .entry mx_matmul_tcgen05_1(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I1_0:%r[0-9]+]], 135267456;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I1_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x64.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// MXFP6 E2M3 (atype/btype 3; four K=32 MMAs, sf ids 0..3)
// CHECK-LABEL: .entry mx_matmul_tcgen05_2(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I2_0:%r[0-9]+]], 143134080;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I2_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I2_1:%r[0-9]+]], 680005008;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I2_1]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I2_2:%r[0-9]+]], 1216875936;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I2_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I2_3:%r[0-9]+]], 1753746864;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I2_3]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x32.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// MXFP6 E3M2 (4)
// CHECK-LABEL: .entry mx_matmul_tcgen05_3(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I3_0:%r[0-9]+]], 142873088;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I3_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I3_1:%r[0-9]+]], 679744016;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I3_1]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I3_2:%r[0-9]+]], 1216614944;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I3_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I3_3:%r[0-9]+]], 1753485872;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I3_3]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x16.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// MXFP8 E4M3 (0)
// CHECK-LABEL: .entry mx_matmul_tcgen05_4(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I4_0:%r[0-9]+]], 142737408;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I4_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I4_1:%r[0-9]+]], 679608336;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I4_1]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I4_2:%r[0-9]+]], 1216479264;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I4_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I4_3:%r[0-9]+]], 1753350192;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I4_3]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x8.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// MXFP8 E5M2 (1; N=24 -> tile 128x8)
// CHECK-LABEL: .entry mx_matmul_tcgen05_5(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I5_0:%r[0-9]+]], 142738560;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I5_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I5_1:%r[0-9]+]], 679609488;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I5_1]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I5_2:%r[0-9]+]], 1216480416;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I5_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I5_3:%r[0-9]+]], 1753351344;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I5_3]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x8.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// E4M3 x E2M1 (0 x 5)
// CHECK-LABEL: .entry mx_matmul_tcgen05_6(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I6_0:%r[0-9]+]], 143135744;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I6_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I6_1:%r[0-9]+]], 680006672;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I6_1]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I6_2:%r[0-9]+]], 1216877600;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I6_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I6_3:%r[0-9]+]], 1753748528;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I6_3]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x32.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32

// E3M2 x E5M2 (4 x 1)
// CHECK-LABEL: .entry mx_matmul_tcgen05_7(
// CHECK: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32
// CHECK: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// CHECK: fence.proxy.async.shared::cta;
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: tcgen05.cp.cta_group::1.32x128b.warpx4 [%r{{[0-9]+}}{{(\+[0-9]+)?}}], %rd
// CHECK: mov.b32 [[I7_0:%r[0-9]+]], 143132160;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I7_0]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I7_1:%r[0-9]+]], 680003088;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I7_1]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I7_2:%r[0-9]+]], 1216874016;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I7_2]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: mov.b32 [[I7_3:%r[0-9]+]], 1753744944;
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32.collector::a::discard [%r{{[0-9]+}}], %rd{{[0-9]+}}, %rd{{[0-9]+}}, [[I7_3]], [%r{{[0-9]+}}], [%r{{[0-9]+}}], %p
// CHECK: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// CHECK: mbarrier.try_wait.parity.shared.b64
// CHECK: tcgen05.ld.sync.aligned.32x32b.x32.b32
// CHECK: tcgen05.wait::ld.sync.aligned;
// CHECK: tcgen05.dealloc.cta_group::1.sync.aligned.b32
