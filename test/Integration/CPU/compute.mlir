// RUN: mx-opt %s --mx-cpu-pipeline | \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The same with the scalar (linalg) lowering:
// RUN: mx-opt %s --mx-cpu-pipeline=vectorize=false | \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

/// mx.matmul and mx.hadamard run on the CPU, checked bit for bit.

func.func private @printMemrefI32(memref<*xi32>)
func.func @print(%t: tensor<?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?xi32> to memref<?xi32>
  %u = memref.cast %m : memref<?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @matmul(%a: tensor<2x64xf32>, %b: tensor<64x4xf32>) -> tensor<2x4xf32> {
  %qa = mx.quantize %a : tensor<2x64xf32> -> !mx.tensor<2x64xmxfp8_e4m3>
  %qb = mx.quantize %b : tensor<64x4xf32> -> !mx.tensor<64x4xmxfp4, block = [32, 1]>
  %c = mx.matmul %qa, %qb : !mx.tensor<2x64xmxfp8_e4m3>, !mx.tensor<64x4xmxfp4, block = [32, 1]> -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

func.func @hadamard(%x: tensor<2x64xf32>) -> (tensor<2x64xf32>, tensor<2x64xf32>) {
  %y = mx.hadamard %x axis(1) size(32) seed(7) : tensor<2x64xf32>
  %z = mx.hadamard %y axis(1) size(32) seed(7) inverse : tensor<2x64xf32>
  return %y, %z : tensor<2x64xf32>, tensor<2x64xf32>
}

func.func @hadamard_onehot(%x: tensor<1x16xf32>) -> (tensor<1x16xf32>, tensor<1x16xf32>) {
  %y = mx.hadamard %x axis(1) size(16) seed(42) : tensor<1x16xf32>
  %z = mx.hadamard %y axis(1) size(16) seed(42) inverse : tensor<1x16xf32>
  return %y, %z : tensor<1x16xf32>, tensor<1x16xf32>
}

func.func @show(%t: tensor<?x?xf32>) {
  %i = arith.bitcast %t : tensor<?x?xf32> to tensor<?x?xi32>
  %f = tensor.collapse_shape %i [[0, 1]] : tensor<?x?xi32> into tensor<?xi32>
  call @print(%f) : (tensor<?xi32>) -> ()
  return
}

func.func @main() {
  // Row 0 of A: 2^-120 (its E8M0 scale clamps at 2^-127, elements 128);
  // column 0 of B: 2^-25 (scale 2^-27, elements 4). Each 32-block sums to
  // 2^14 and takes 2^(-127 - 27) = 2^-154, which is no f32: only an exact
  // exponent add gives 2 * 2^-140 = 2^-139 (0x00000400). Against column 1
  // (3.0 then 6.0: elements 6 under 2^-1 and 2^0) it is 9 * 2^-115.
  // Row 1 of A is 1.0 (E4M3 256 * 2^-8): 2 * 2^-20 = 2^-19 against column
  // 0, 32 * 3 + 32 * 6 = 288 against column 1. Column 2 of B holds an Inf
  // in its second block: a NaN scale, so the outputs are NaN (0x7fc00000).
  // Column 3 is zero.
  %c0 = arith.constant 0 : index
  %tiny = arith.constant 7.52316385e-37 : f32
  %one = arith.constant 1.0 : f32
  %a0 = tensor.splat %tiny : tensor<1x64xf32>
  %a1 = tensor.splat %one : tensor<1x64xf32>
  %a = tensor.concat dim(0) %a0, %a1 : (tensor<1x64xf32>, tensor<1x64xf32>) -> tensor<2x64xf32>
  %bs = arith.constant 2.98023224e-08 : f32
  %b0 = tensor.splat %bs : tensor<64x1xf32>
  %three = arith.constant 3.0 : f32
  %six = arith.constant 6.0 : f32
  %b1a = tensor.splat %three : tensor<32x1xf32>
  %b1b = tensor.splat %six : tensor<32x1xf32>
  %b1 = tensor.concat dim(0) %b1a, %b1b : (tensor<32x1xf32>, tensor<32x1xf32>) -> tensor<64x1xf32>
  %inf = arith.constant 0x7F800000 : f32
  %c40 = arith.constant 40 : index
  %b2 = tensor.insert %inf into %b1[%c40, %c0] : tensor<64x1xf32>
  %zero = arith.constant 0.0 : f32
  %b3 = tensor.splat %zero : tensor<64x1xf32>
  %b = tensor.concat dim(1) %b0, %b1, %b2, %b3 : (tensor<64x1xf32>, tensor<64x1xf32>, tensor<64x1xf32>, tensor<64x1xf32>) -> tensor<64x4xf32>
  %c = call @matmul(%a, %b) : (tensor<2x64xf32>, tensor<64x4xf32>) -> tensor<2x4xf32>
  %cd = tensor.cast %c : tensor<2x4xf32> to tensor<?x?xf32>
  call @show(%cd) : (tensor<?x?xf32>) -> ()

  %in = arith.constant dense<[0x3E9178B7, 0x40700133, 0xC032D31C, 0x403E8954, 0xBF4707DB, 0xBF48D727, 0x40B65FA6, 0x3EF1FA19, 0xBE03DD02, 0x400C104F, 0x40585B20, 0xBDBD8047, 0x3FE1CA23, 0xC03AF480, 0xBF8CD8F8, 0xBFA83D72, 0xC07FCC62, 0xC090D13E, 0xC09C2F02, 0xBF374910, 0xBF046C39, 0xBF7604F5, 0x3E545C31, 0xC0803759, 0xBE741DD8, 0x3F36DC12, 0x4010333D, 0xC0227989, 0xBF998CE6, 0xC0C17502, 0xBFC166C4, 0xC0D2E1E1, 0xC08842D5, 0x40537D7E, 0xC0D35B3C, 0x401952E8, 0x3F7BD31B, 0xBF6FE05E, 0x3FB0634C, 0x3FCA8B8E, 0x4048B88C, 0xBF30EC9E, 0xBFE36994, 0xBFE82C1B, 0xC03D6594, 0xBE0A00E2, 0xC016DD9B, 0x404D2B8F, 0xC0B376F4, 0xC051FFBD, 0xC037026D, 0xC0C8EA37, 0x40B69E66, 0xC0E73358, 0xBF5990DB, 0xBFC9AE77, 0x409EF7E3, 0xC0BE9998, 0x404DCAC1, 0xC00C6E77, 0xBEEE6CD4, 0xC000D37E, 0x3FF5F147, 0xC05A6D60, 0xBE72604E, 0x3F87B622, 0x40B0AA2F, 0xC0E6E820, 0x40926970, 0x40360784, 0xBFB9B2A6, 0x3F6A2F99, 0xBFB2F203, 0x409E1600, 0x3F20F726, 0xBF258BF9, 0xBF2F26CD, 0xBF198142, 0xBF07A496, 0xC028C3C7, 0x40C599BE, 0xC0B77490, 0xC12D137D, 0xBEBCB257, 0xBEE11FA0, 0x3F8F03CA, 0xBF1D0F73, 0xBEE381F0, 0x3F7F3DCC, 0x4039EF8B, 0xBFAC05EC, 0xBF8F2994, 0x40BA4A52, 0x3FCB87B6, 0xC03D34D1, 0x40DF1939, 0x4014F965, 0xBFE22D07, 0xC0617CCE, 0x3F651BCB, 0xC01FC86F, 0xC04B0C26, 0xC078D50A, 0xBFC25F10, 0x4054A63E, 0xBFA67864, 0xC08B24E8, 0x40006AA7, 0x3E49CE0F, 0x402206A5, 0x4066BBAD, 0xBF01981B, 0xBEDE78D8, 0xBE0BBC3D, 0xC059D7A5, 0x4000717D, 0x4083BB73, 0x3F057D30, 0xBF365A94, 0xBF479910, 0xC015E0D3, 0xC01A5A8B, 0xBF99EB9D, 0xC021A671, 0xBFA7F1D1, 0xC0976B2A, 0x3F866FB6, 0x3E16E060]> : tensor<128xf32>
  %x = tensor.expand_shape %in [[0, 1]] output_shape [2, 64] : tensor<128xf32> into tensor<2x64xf32>
  %y, %z = call @hadamard(%x) : (tensor<2x64xf32>) -> (tensor<2x64xf32>, tensor<2x64xf32>)
  %yd = tensor.cast %y : tensor<2x64xf32> to tensor<?x?xf32>
  call @show(%yd) : (tensor<?x?xf32>) -> ()
  %zd = tensor.cast %z : tensor<2x64xf32> to tensor<?x?xf32>
  call @show(%zd) : (tensor<?x?xf32>) -> ()

  %oh = arith.constant dense<[[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<1x16xf32>
  %y1, %z1 = call @hadamard_onehot(%oh) : (tensor<1x16xf32>) -> (tensor<1x16xf32>, tensor<1x16xf32>)
  %y1d = tensor.cast %y1 : tensor<1x16xf32> to tensor<?x?xf32>
  call @show(%y1d) : (tensor<?x?xf32>) -> ()
  %z1d = tensor.cast %z1 : tensor<1x16xf32> to tensor<?x?xf32>
  call @show(%z1d) : (tensor<?x?xf32>) -> ()
  return
}

// CHECK: data =
// CHECK-NEXT: [1024, 126877696, 2143289344, 0, 905969664, 1133510656, 2143289344, 0]

/// Hadamard, n = 32, seed 7: the reference butterfly, f32 rounding per step
/// (expected bits from a model of include/mx/Numerics/Hadamard.h), then the
/// inverse.
// CHECK: data =
// CHECK-NEXT: [1068389172, 1089713069, -1077299751, -1063507378, 1079942833, 1030902598, 1051401596, -1103327630, 1073080312, 1069949408, -1088057896, 1051673914, -1092040340, 1068528618, 1057619765, 1067631359, 1083909893, -1060447645, -1088644116, -1066218845, -1069323697, 1065031991, 1081442610, -1076784170, -1073117939, 1075865863, 1051854522, -1074656341, -1090404710, -1064327322, 1081045561, -1072520978, 1053394466, 1078661537, -1070794267, -1073229624, 1087161824, -1071240617, -1087316236, -1071500474, 1055101742, 1059811485, -1060581399, 1070800269, 1078657082, 1080614667, 1067049450, -1162689549, 1080000392, 1065209844, 1074129880, -1079377724, -1060681611, -1094416549, -1088055395, -1091119073, 1036580950, -1071209669, 1066818014, -1056536344, -1068843972, -1084557340, -1078315271, -1054661117, 1078535847, -1064981133, -1063135042, -1100808967, -1069317589, 1066204024, -1069031713, -1081589771, 1037145674, 1074706657, 1050988459, 1071094266, 1066022295, -1073735657, -1055824546, -1138371800, 1079857186, -1065475813, 1089885637, 1082665020, 1070732948, -1058283955, 1069289895, 1059500457, -1117706968, -1064401859, 1073939023, 1084790149, -1070584476, -1080421627, 1083177453, 1085518752, -1064571223, 1076352444, 1070577641, 1074574030, 1084081399, 1081089987, 1078851307, -1073515412, 1053110827, 1049833429, -1067120076, -1064072348, 1075884685, 1080399871, -1067445298, 1062255962, -1073709374, -1123609533, 1059412384, 1080056138, 1059340906, 1067797578, -1081916126, 1065741963, 1054236686, 1073281815, -1095965136, 1062528817, 1073758102, -1078659848, 1023698865, -1072945049]
// CHECK: data =
// CHECK-NEXT: [1049721001, 1081082161, -1070410980, 1077840211, -1085863973, -1085745366, 1085693860, 1056045579, -1107043075, 1074532429, 1079532318, -1111654347, 1071761957, -1069878144, -1081288458, -1079493263, -1065366430, -1064251074, -1063506175, -1086895856, -1090229188, -1082784523, 1045716025, -1065339047, -1099686438, 1060559887, 1074803516, -1071482488, -1080455960, -1061063422, -1077844287, -1059921439, -1064811820, 1079213438, -1059890373, 1075401448, 1065079581, -1083187115, 1068524361, 1070238604, 1078507658, -1087312726, -1075615341, -1075303395, -1069718124, -1106640686, -1072243302, 1078799246, -1061980429, -1068367941, -1070136722, -1060574664, 1085709926, -1058589864, -1084649247, -1077301638, 1084159970, -1061250664, 1078839999, -1072927114, -1091670826, -1073687683, 1073082694, -1067815586, -1099800440, 1065858596, 1085319726, -1058609120, 1083337071, 1077282693, -1078349150, 1063923604, -1078791678, 1084102144, 1059125032, -1088058373, -1087428918, -1088847554, -1090018152, -1071070264, 1086691775, -1061718896, -1054010499, -1094929830, -1092542581, 1066337223, -1088614539, -1092386330, 1065303495, 1077538699, -1079245334, -1081136746, 1085950546, 1070303159, -1069730608, 1088362809, 1075116388, -1075696378, -1067352883, 1063590858, -1071658898, -1068823514, -1065822966, -1077780721, 1079289405, -1079609244, -1064622873, 1073769127, 1045024260, 1075971748, 1080474539, -1090414562, -1092716331, -1106527175, -1067853917, 1073770877, 1082375026, 1057324336, -1086956907, -1085826802, -1072308015, -1072014709, -1080431712, -1071536527, -1079512623, -1063818454, 1065775027, 1041686633]

/// One-hot, seed 42: s_0 = -1, so every output is -0.25 (0xbe800000); the
/// inverse gives back 1.0 and -0.0 where s_j = -1 (j = 5, 7, 9, 12, 13, 14).
// CHECK: data =
// CHECK-NEXT: [-1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648, -1098907648]
// CHECK: data =
// CHECK-NEXT: [1065353216, 0, 0, 0, 0, -2147483648, 0, -2147483648, 0, -2147483648, 0, 0, -2147483648, -2147483648, -2147483648, 0]
