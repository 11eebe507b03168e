// Sweep, part 3 of 3: the whole mx-nvvm-pipeline (format=ptx, no ptxas
// needed) on one op per kind of instruction the lowering emits
// (Inputs/sweep.mlir), for chips of the capability table. Each run must end
// in a gpu.binary holding PTX for the chip: LLVM aborts on an instruction the
// chip lacks, so a run that crashed or printed no binary fails here. Every
// format and mixed pair: the ptxas-*.mlir tests.
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_120 format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM120
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_120a format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM120A
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_120f format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM120F
// RUN: mx-opt %S/Inputs/sweep.mlir --mx-nvvm-pipeline="chip=sm_121a format=ptx" 2>/dev/null | FileCheck %s --check-prefix=SM121A
// SM120: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_120"{{.*}}assembly = "{{.*}}.target sm_120\0A
// SM120A: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_120a"{{.*}}assembly = "{{.*}}.target sm_120a\0A
// SM120F: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_120f"{{.*}}assembly = "{{.*}}.target sm_120f\0A
// SM121A: gpu.binary @mx_kernels [#gpu.object<#nvvm.target<chip = "sm_121a"{{.*}}assembly = "{{.*}}.target sm_121a\0A
