// Sweep, part 2 of 3: the whole mx-nvvm-pipeline (format=ptx, no ptxas
// needed) on one op per kind of instruction the lowering emits
// (Inputs/sweep.mlir), for chips of the capability table. Each run must end
// in a gpu.binary holding PTX for the chip: LLVM aborts on an instruction the
// chip lacks, so a run that crashed or printed no binary fails here. Every
// format and mixed pair: the ptxas-*.mlir tests. On this family the tc_*
// matmuls of the input take the three tcgen05.mma block_scale kinds.
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_100a format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM100A
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_100f format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM100F
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_103a format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM103A
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_110a format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM110A
// SM100A: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_100a"{{.*}}assembly = "{{.*}}.target sm_100a\0A
// SM100A-SAME: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32{{.*}}tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16{{.*}}tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
// SM100F: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_100f"{{.*}}assembly = "{{.*}}.target sm_100f\0A
// SM100F-SAME: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32{{.*}}tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16{{.*}}tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
// SM103A: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_103a"{{.*}}assembly = "{{.*}}.target sm_103a\0A
// SM103A-SAME: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32{{.*}}tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16{{.*}}tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
// SM110A: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_110a"{{.*}}assembly = "{{.*}}.target sm_110a\0A
// SM110A-SAME: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32{{.*}}tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16{{.*}}tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
