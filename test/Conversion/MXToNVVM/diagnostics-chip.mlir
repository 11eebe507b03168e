// Options the pass cannot honour.
// RUN: not mx-opt %s --convert-mx-to-gpu="chip=sm_999" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not mx-opt %s --convert-mx-to-gpu="chip=sm_120a features=+ptx86" 2>&1 | FileCheck %s --check-prefix=PTX
// RUN: not mx-opt %s --mx-nvvm-pipeline="chip=sm_120a format=cubin toolkit=%t.nonexistent" 2>&1 | FileCheck %s --check-prefix=TOOLKIT
// RUN: not mx-opt %s --mx-nvvm-pipeline="chip=sm_120a format=elf" 2>&1 | FileCheck %s --check-prefix=FORMAT

// CHIP: error: convert-mx-to-gpu: {{.*}}sm_999
// PTX: error: convert-mx-to-gpu: features '+ptx86' select PTX 8.6, but the chosen instructions need PTX 8.7 on sm_120a
// TOOLKIT: mx-nvvm-pipeline: format=cubin needs ptxas, which is not in {{.*}}.nonexistent/bin; use format=ptx or install the CUDA toolkit
// FORMAT: mx-nvvm-pipeline: format='elf' is not one of ptx, cubin, fatbin
func.func @mm(%a: !mx.tensor<32x128xmxfp4>, %w: !mx.tensor<128x16xmxfp4, block = [32, 1]>) -> tensor<32x16xf32> {
  %c = mx.matmul %a, %w : !mx.tensor<32x128xmxfp4>, !mx.tensor<128x16xmxfp4, block = [32, 1]> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}
