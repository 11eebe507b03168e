// Errors of the tcgen05 model are reported, never crashes: every check is a
// FAIL line naming the rule (exit status 1), and an op the model does not
// cover is a located diagnostic.
// RUN: split-file %s %t
// RUN: not mx-warp-sim %t/k.mlir --kernel=nodealloc 2>&1 | FileCheck %s --check-prefix=NODEALLOC
// NODEALLOC: FAIL: block (0, 0, 0): the block exited with 1 tensor-memory allocation(s) not released by tcgen05.dealloc
// RUN: not mx-warp-sim %t/k.mlir --kernel=deadlock 2>&1 | FileCheck %s --check-prefix=DEADLOCK
// DEADLOCK: FAIL: block (0, 0, 0): deadlock: {{[0-9]+}} thread(s) wait on an mbarrier phase that no thread can complete
// RUN: not mx-warp-sim %t/k.mlir --kernel=partial 2>&1 | FileCheck %s --check-prefix=PARTIAL
// PARTIAL: FAIL: block (0, 0, 0): a warp-collective tcgen05 op was reached by 1 of the warp's 32 threads (it needs all lanes)
// RUN: not mx-warp-sim %t/k.mlir --kernel=quarter 2>&1 | FileCheck %s --check-prefix=QUARTER
// QUARTER: FAIL: block (0, 0, 0): tcgen05.ld.32x32b by warp 1 at lane 0: warp 1 may only access lanes [32, 64)
// RUN: not mx-warp-sim %t/k.mlir --kernel=badalloc 2>&1 | FileCheck %s --check-prefix=BADALLOC
// BADALLOC: FAIL: block (0, 0, 0): tcgen05.alloc of 48 columns (must be a power of two in [32, 512])
// RUN: not mx-warp-sim %t/k.mlir --kernel=unwritten 2>&1 | FileCheck %s --check-prefix=UNWRITTEN
// UNWRITTEN: FAIL: block (0, 0, 0): tcgen05.ld: tensor memory read of lane {{[0-9]+}} column 0, which nothing wrote
// RUN: not mx-warp-sim %t/shape.mlir --kernel=shape 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: shape.mlir:36:{{[0-9]+}}: error: warp simulator: only tcgen05.ld.32x32b without pack is modelled
// RUN: not mx-warp-sim %t/llvmload.mlir --kernel=llvmload 2>&1 | FileCheck %s --check-prefix=LLVMLOAD
// LLVMLOAD: llvmload.mlir:{{[0-9]+}}:{{[0-9]+}}: error: warp simulator: LLVM memory ops on shared or tensor-memory pointers are not modelled (use memrefs)
// RUN: not mx-warp-sim %t/k.mlir --kernel=missing 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: mx-warp-sim: no gpu.func named 'missing'
// RUN: not mx-warp-sim %t/k.mlir --kernel=noblock 2>&1 | FileCheck %s --check-prefix=NOBLOCK
// NOBLOCK: k.mlir:{{[0-9]+}}:{{[0-9]+}}: error: mx-warp-sim: --kernel needs known_block_size on the gpu.func

//--- k.mlir
module attributes {gpu.container_module} {
func.func @f(%a: !mx.tensor<128x64xmxfp4>, %w: !mx.tensor<64x128xmxfp4, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x64xmxfp4>, !mx.tensor<64x128xmxfp4, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
gpu.module @errors {
  gpu.func @nodealloc(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    scf.if %isW0 {
      nvvm.tcgen05.alloc %slot, %n32 : !llvm.ptr<3>, i32
    }
    gpu.return
  }
  gpu.func @deadlock(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    scf.if %isT0 {
      nvvm.mbarrier.init %bar, %c1i32 : !llvm.ptr<3>, i32
    }
    gpu.barrier
    %ticks = arith.constant 1000 : i32
    nvvm.mbarrier.try_wait.parity %bar, %c0i32, %ticks : !llvm.ptr<3>, i32, i32
    gpu.return
  }
  gpu.func @partial(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    scf.if %isT0 {
      nvvm.tcgen05.alloc %slot, %n32 : !llvm.ptr<3>, i32
    }
    gpu.return
  }
  gpu.func @quarter(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    scf.if %isW0 {
      nvvm.tcgen05.alloc %slot, %n32 : !llvm.ptr<3>, i32
    }
    gpu.barrier
    %tb = memref.load %sTmem[%c0] : memref<1xi32, #gpu.address_space<workgroup>>
    scf.if %isW1 {
      %p = llvm.inttoptr %tb : i32 to !llvm.ptr<6>
      %v = nvvm.tcgen05.ld %p {shape = #nvvm.tcgen05_ldst_shape<shape_32x32b>} : i32
    }
    gpu.barrier
    scf.if %isW0 {
      %tp = llvm.inttoptr %tb : i32 to !llvm.ptr<6>
      nvvm.tcgen05.dealloc %tp, %n32 : !llvm.ptr<6>, i32
    }
    gpu.return
  }
  gpu.func @badalloc(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    %n48 = arith.constant 48 : i32
    scf.if %isW0 {
      nvvm.tcgen05.alloc %slot, %n48 : !llvm.ptr<3>, i32
    }
    gpu.return
  }
  gpu.func @unwritten(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    scf.if %isW0 {
      nvvm.tcgen05.alloc %slot, %n32 : !llvm.ptr<3>, i32
    }
    gpu.barrier
    %tb = memref.load %sTmem[%c0] : memref<1xi32, #gpu.address_space<workgroup>>
    scf.if %isW0 {
      %p = llvm.inttoptr %tb : i32 to !llvm.ptr<6>
      %v = nvvm.tcgen05.ld %p {shape = #nvvm.tcgen05_ldst_shape<shape_32x32b>} : vector<2xi32>
    }
    gpu.barrier
    scf.if %isW0 {
      %tp = llvm.inttoptr %tb : i32 to !llvm.ptr<6>
      nvvm.tcgen05.dealloc %tp, %n32 : !llvm.ptr<6>, i32
    }
    gpu.return
  }
  gpu.func @noblock(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    gpu.return
  }
}
}
//--- shape.mlir
module attributes {gpu.container_module} {
func.func @f(%a: !mx.tensor<128x64xmxfp4>, %w: !mx.tensor<64x128xmxfp4, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x64xmxfp4>, !mx.tensor<64x128xmxfp4, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
gpu.module @errors {
  gpu.func @shape(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    scf.if %isW0 {
      nvvm.tcgen05.alloc %slot, %n32 : !llvm.ptr<3>, i32
    }
    gpu.barrier
    %tb = memref.load %sTmem[%c0] : memref<1xi32, #gpu.address_space<workgroup>>
    scf.if %isW0 {
      %p = llvm.inttoptr %tb : i32 to !llvm.ptr<6>
      %v = nvvm.tcgen05.ld %p {shape = #nvvm.tcgen05_ldst_shape<shape_16x64b>} : i32
    }
    gpu.barrier
    scf.if %isW0 {
      %tp = llvm.inttoptr %tb : i32 to !llvm.ptr<6>
      nvvm.tcgen05.dealloc %tp, %n32 : !llvm.ptr<6>, i32
    }
    gpu.return
  }
}
}
//--- llvmload.mlir
module attributes {gpu.container_module} {
func.func @f(%a: !mx.tensor<128x64xmxfp4>, %w: !mx.tensor<64x128xmxfp4, block = [32, 1]>) -> tensor<128x128xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<128x64xmxfp4>, !mx.tensor<64x128xmxfp4, block = [32, 1]> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
gpu.module @errors {
  gpu.func @llvmload(%A: memref<4096xi8>, %SA: memref<256xi8>, %B: memref<4096xi8>,
                  %SB: memref<256xi8>, %D: memref<16384xf32>)
      workgroup(%sBar: memref<1xi64, #gpu.address_space<workgroup>>,
                %sTmem: memref<1xi32, #gpu.address_space<workgroup>>)
      kernel attributes {known_block_size = array<i32: 128, 1, 1>} {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c32 = arith.constant 32 : index
    %t = gpu.thread_id x
    %warp = arith.divui %t, %c32 : index
    %isT0 = arith.cmpi eq, %t, %c0 : index
    %isW0 = arith.cmpi eq, %warp, %c0 : index
    %isW1 = arith.cmpi eq, %warp, %c1 : index
    %barIdx = memref.extract_aligned_pointer_as_index %sBar : memref<1xi64, #gpu.address_space<workgroup>> -> index
    %barI = arith.index_cast %barIdx : index to i64
    %bar = llvm.inttoptr %barI : i64 to !llvm.ptr<3>
    %slotIdx = memref.extract_aligned_pointer_as_index %sTmem : memref<1xi32, #gpu.address_space<workgroup>> -> index
    %slotI = arith.index_cast %slotIdx : index to i64
    %slot = llvm.inttoptr %slotI : i64 to !llvm.ptr<3>
    %c1i32 = arith.constant 1 : i32
    %c0i32 = arith.constant 0 : i32
    %n32 = arith.constant 32 : i32
    %v = llvm.load %bar : !llvm.ptr<3> -> i64
    gpu.return
  }
}
}
