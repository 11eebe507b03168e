// Sweep, part 1 of 3: the whole mx-nvvm-pipeline (format=ptx, no ptxas
// needed) on one op per kind of instruction the lowering emits
// (Inputs/sweep.mlir), for chips of the capability table. Each run must end
// in a gpu.binary holding PTX for the chip: LLVM aborts on an instruction the
// chip lacks, so a run that crashed or printed no binary fails here. Every
// format and mixed pair: the ptxas-*.mlir tests.
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_80 format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM80
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_89 format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM89
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_90 format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM90
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_90a format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM90A
// SM80: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_80"{{.*}}assembly = "{{.*}}.target sm_80\0A
// SM89: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_89"{{.*}}assembly = "{{.*}}.target sm_89\0A
// SM90: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_90"{{.*}}assembly = "{{.*}}.target sm_90\0A
// SM90A: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_90a"{{.*}}assembly = "{{.*}}.target sm_90a\0A
