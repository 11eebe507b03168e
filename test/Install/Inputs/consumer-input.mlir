// Input of test/Install/external-consumer.test: two block-scaled values.
func.func @main(%x: tensor<2x64xf32>, %w: tensor<64x4xf32>) -> tensor<2x4xf32> {
  %qw = mx.quantize %w : tensor<64x4xf32> -> !mx.tensor<64x4xmxfp4, block = [32, 1]>
  %qx = mx.quantize %x : tensor<2x64xf32> -> !mx.tensor<2x64xmxfp8_e4m3>
  %y = mx.matmul %qx, %qw : !mx.tensor<2x64xmxfp8_e4m3>, !mx.tensor<64x4xmxfp4, block = [32, 1]> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
