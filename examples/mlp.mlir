// A 2-layer MLP, y = relu(x W1) W2, under a mixed MX policy.
// Run: build/bin/mx-run examples/mlp.mlir --report --compare-f32
//
// * x (8x256) is computed at run time; MX quantizes it to MXFP8 (E4M3) with
//   1x32 blocks in compiled code.
// * W1 (256x512) and W2 (512x256) are constants, generated from their
//   indices by an integer hash so the file stays small. mx-run folds them at
//   compile time: the hash, then mx.quantize, which becomes an mx.constant
//   computed by MX's reference library. W1 is MXFP4 with 32x1 blocks along
//   K (the module's policy); layer 2's policy makes W2 NVFP4 with 16x16
//   tiles, and its input MXFP8 with 1x16 blocks to match W2's K blocks.
// * mx.matmul multiplies the block-scaled operands with f32 accumulation.
// `mx.name` names each quantized value in mx-run's report.

module attributes {mx.policy = #mx.policy<weights = mxfp4, activations = mxfp8_e4m3>} {
  func.func @main() -> tensor<8x256xf32> {
    %iota_k = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255]> : tensor<256xi32>
    %iota256 = arith.sitofp %iota_k : tensor<256xi32> to tensor<256xf32>
    %iota256_col = tensor.expand_shape %iota256 [[0, 1]] output_shape [256, 1] : tensor<256xf32> into tensor<256x1xf32>
    %iota_n = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511]> : tensor<512xi32>
    %iota512 = arith.sitofp %iota_n : tensor<512xi32> to tensor<512xf32>
    %iota512_row = tensor.expand_shape %iota512 [[0, 1]] output_shape [1, 512] : tensor<512xf32> into tensor<1x512xf32>
    %ones256x1 = arith.constant dense<1.0> : tensor<256x1xf32>
    %ones1x512 = arith.constant dense<1.0> : tensor<1x512xf32>
    %w1_i = mx.matmul %iota256_col, %ones1x512 : tensor<256x1xf32>, tensor<1x512xf32> -> tensor<256x512xf32>
    %w1_j = mx.matmul %ones256x1, %iota512_row : tensor<256x1xf32>, tensor<1x512xf32> -> tensor<256x512xf32>
    %w1_ii = arith.fptoui %w1_i : tensor<256x512xf32> to tensor<256x512xi32>
    %w1_ji = arith.fptoui %w1_j : tensor<256x512xf32> to tensor<256x512xi32>
    %w1_m0 = arith.constant dense<-1640531535> : tensor<256x512xi32>
    %w1_m1 = arith.constant dense<-2048144777> : tensor<256x512xi32>
    %w1_m2 = arith.constant dense<739982445> : tensor<256x512xi32>
    %w1_seed = arith.constant dense<1> : tensor<256x512xi32>
    %w1_c15 = arith.constant dense<15> : tensor<256x512xi32>
    %w1_c13 = arith.constant dense<13> : tensor<256x512xi32>
    %w1_c8 = arith.constant dense<8> : tensor<256x512xi32>
    %w1_h0 = arith.muli %w1_ii, %w1_m0 : tensor<256x512xi32>
    %w1_h1 = arith.muli %w1_ji, %w1_m1 : tensor<256x512xi32>
    %w1_h2 = arith.addi %w1_h0, %w1_h1 : tensor<256x512xi32>
    %w1_h3 = arith.addi %w1_h2, %w1_seed : tensor<256x512xi32>
    %w1_s1 = arith.shrui %w1_h3, %w1_c15 : tensor<256x512xi32>
    %w1_h4 = arith.xori %w1_h3, %w1_s1 : tensor<256x512xi32>
    %w1_h5 = arith.muli %w1_h4, %w1_m2 : tensor<256x512xi32>
    %w1_s2 = arith.shrui %w1_h5, %w1_c13 : tensor<256x512xi32>
    %w1_h6 = arith.xori %w1_h5, %w1_s2 : tensor<256x512xi32>
    %w1_h7 = arith.shrui %w1_h6, %w1_c8 : tensor<256x512xi32>
    %w1_u = arith.uitofp %w1_h7 : tensor<256x512xi32> to tensor<256x512xf32>
    %w1_k = arith.constant dense<1.1920928955078126e-08> : tensor<256x512xf32>
    %w1_half = arith.constant dense<0.1> : tensor<256x512xf32>
    %w1_s = arith.mulf %w1_u, %w1_k : tensor<256x512xf32>
    %w1 = arith.subf %w1_s, %w1_half : tensor<256x512xf32>

    %x = func.call @input() : () -> tensor<8x256xf32>
    %xq = mx.quantize %x {mx.name = "x"} : tensor<8x256xf32> -> !mx.tensor<8x256xmxfp8_e4m3>
    %w1q = mx.quantize %w1 {mx.name = "W1"}
        : tensor<256x512xf32> -> !mx.tensor<256x512xmxfp4, block = [32, 1]>
    %h = mx.matmul %xq, %w1q
        : !mx.tensor<8x256xmxfp8_e4m3>, !mx.tensor<256x512xmxfp4, block = [32, 1]> -> tensor<8x512xf32>
    %a = func.call @relu(%h) : (tensor<8x512xf32>) -> tensor<8x512xf32>
    %y = func.call @layer2(%a) : (tensor<8x512xf32>) -> tensor<8x256xf32>
    return %y : tensor<8x256xf32>
  }

  // Activations: uniform in [-2, 2) with outlier channels (k % 61 == 7, x8),
  // as in transformer activations.
  func.func @input() -> tensor<8x256xf32> {
    %empty = tensor.empty() : tensor<8x256xf32>
    %x = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>],
                         iterator_types = ["parallel", "parallel"]}
        outs(%empty : tensor<8x256xf32>) {
    ^bb0(%out: f32):
      %m = linalg.index 0 : index
      %k = linalg.index 1 : index
      %mi = arith.index_cast %m : index to i32
      %ki = arith.index_cast %k : index to i32
      %m0 = arith.constant -1640531535 : i32
      %m1 = arith.constant -2048144777 : i32
      %m2 = arith.constant 739982445 : i32
      %seed = arith.constant 7 : i32
      %c15 = arith.constant 15 : i32
      %c13 = arith.constant 13 : i32
      %c8 = arith.constant 8 : i32
      %h0 = arith.muli %mi, %m0 : i32
      %h1 = arith.muli %ki, %m1 : i32
      %h2 = arith.addi %h0, %h1 : i32
      %h3 = arith.addi %h2, %seed : i32
      %s1 = arith.shrui %h3, %c15 : i32
      %h4 = arith.xori %h3, %s1 : i32
      %h5 = arith.muli %h4, %m2 : i32
      %s2 = arith.shrui %h5, %c13 : i32
      %h6 = arith.xori %h5, %s2 : i32
      %h7 = arith.shrui %h6, %c8 : i32
      %u = arith.uitofp %h7 : i32 to f32
      %k4 = arith.constant 2.38418579e-07 : f32  // 4 * 2^-24
      %two = arith.constant 2.0 : f32
      %s = arith.mulf %u, %k4 : f32
      %v = arith.subf %s, %two : f32
      %c61 = arith.constant 61 : i32
      %c7 = arith.constant 7 : i32
      %r = arith.remui %ki, %c61 : i32
      %outlier = arith.cmpi eq, %r, %c7 : i32
      %eight = arith.constant 8.0 : f32
      %big = arith.mulf %v, %eight : f32
      %y = arith.select %outlier, %big, %v : f32
      linalg.yield %y : f32
    } -> tensor<8x256xf32>
    return %x : tensor<8x256xf32>
  }

  func.func @relu(%t: tensor<8x512xf32>) -> tensor<8x512xf32> {
    %r = linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>],
                         iterator_types = ["parallel", "parallel"]}
        outs(%t : tensor<8x512xf32>) {
    ^bb0(%v: f32):
      %zero = arith.constant 0.0 : f32
      %y = arith.maximumf %v, %zero : f32
      linalg.yield %y : f32
    } -> tensor<8x512xf32>
    return %r : tensor<8x512xf32>
  }

  // Layer 2 is more sensitive: NVFP4 weights in 16x16 tiles.
  func.func @layer2(%h: tensor<8x512xf32>) -> tensor<8x256xf32>
      attributes {mx.policy = #mx.policy<weights = nvfp4>} {
    %iota = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511]> : tensor<512xi32>
    %iota512 = arith.sitofp %iota : tensor<512xi32> to tensor<512xf32>
    %iota512_col = tensor.expand_shape %iota512 [[0, 1]] output_shape [512, 1] : tensor<512xf32> into tensor<512x1xf32>
    %iota_n = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255]> : tensor<256xi32>
    %iota256 = arith.sitofp %iota_n : tensor<256xi32> to tensor<256xf32>
    %iota256_row = tensor.expand_shape %iota256 [[0, 1]] output_shape [1, 256] : tensor<256xf32> into tensor<1x256xf32>
    %ones512x1 = arith.constant dense<1.0> : tensor<512x1xf32>
    %ones1x256 = arith.constant dense<1.0> : tensor<1x256xf32>
    %w2_i = mx.matmul %iota512_col, %ones1x256 : tensor<512x1xf32>, tensor<1x256xf32> -> tensor<512x256xf32>
    %w2_j = mx.matmul %ones512x1, %iota256_row : tensor<512x1xf32>, tensor<1x256xf32> -> tensor<512x256xf32>
    %w2_ii = arith.fptoui %w2_i : tensor<512x256xf32> to tensor<512x256xi32>
    %w2_ji = arith.fptoui %w2_j : tensor<512x256xf32> to tensor<512x256xi32>
    %w2_m0 = arith.constant dense<-1640531535> : tensor<512x256xi32>
    %w2_m1 = arith.constant dense<-2048144777> : tensor<512x256xi32>
    %w2_m2 = arith.constant dense<739982445> : tensor<512x256xi32>
    %w2_seed = arith.constant dense<2> : tensor<512x256xi32>
    %w2_c15 = arith.constant dense<15> : tensor<512x256xi32>
    %w2_c13 = arith.constant dense<13> : tensor<512x256xi32>
    %w2_c8 = arith.constant dense<8> : tensor<512x256xi32>
    %w2_h0 = arith.muli %w2_ii, %w2_m0 : tensor<512x256xi32>
    %w2_h1 = arith.muli %w2_ji, %w2_m1 : tensor<512x256xi32>
    %w2_h2 = arith.addi %w2_h0, %w2_h1 : tensor<512x256xi32>
    %w2_h3 = arith.addi %w2_h2, %w2_seed : tensor<512x256xi32>
    %w2_s1 = arith.shrui %w2_h3, %w2_c15 : tensor<512x256xi32>
    %w2_h4 = arith.xori %w2_h3, %w2_s1 : tensor<512x256xi32>
    %w2_h5 = arith.muli %w2_h4, %w2_m2 : tensor<512x256xi32>
    %w2_s2 = arith.shrui %w2_h5, %w2_c13 : tensor<512x256xi32>
    %w2_h6 = arith.xori %w2_h5, %w2_s2 : tensor<512x256xi32>
    %w2_h7 = arith.shrui %w2_h6, %w2_c8 : tensor<512x256xi32>
    %w2_u = arith.uitofp %w2_h7 : tensor<512x256xi32> to tensor<512x256xf32>
    %w2_k = arith.constant dense<8.940696716308593e-09> : tensor<512x256xf32>
    %w2_half = arith.constant dense<0.075> : tensor<512x256xf32>
    %w2_s = arith.mulf %w2_u, %w2_k : tensor<512x256xf32>
    %w2 = arith.subf %w2_s, %w2_half : tensor<512x256xf32>

    %hq = mx.quantize %h {mx.name = "h"}
        : tensor<8x512xf32> -> !mx.tensor<8x512x#mx.format<f8E4M3FN, f8E8M0FNU, block = 16>>
    %w2q = mx.quantize %w2 {mx.name = "W2"}
        : tensor<512x256xf32> -> !mx.tensor<512x256xnvfp4, block = [16, 16]>
    %y = mx.matmul %hq, %w2q
        : !mx.tensor<8x512x#mx.format<f8E4M3FN, f8E8M0FNU, block = 16>>,
          !mx.tensor<512x256xnvfp4, block = [16, 16]> -> tensor<8x256xf32>
    return %y : tensor<8x256xf32>
  }
}
