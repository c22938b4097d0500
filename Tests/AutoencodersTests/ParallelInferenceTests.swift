import Datasets
import Foundation
import Linalg
import XCTest
@testable import Autoencoders

/// Encoding on several threads must give exactly the codes of the serial encoder.
final class ParallelInferenceTests: XCTestCase {
    /// `--shard` and `--chunk-rows` cut on the encoder's blocks only if the two sizes agree.
    func testShardBlocksAreTheEncoderBlocks() {
        XCTAssertEqual(Shard.blockRows, Autoencoder.inferenceChunk)
    }

    func testParallelEncodeIsBitIdenticalToSerialEncode() throws {
        let specs = [
            ModelSpec(inputSize: 784, encoder: [.init(units: 1000, activation: .sigmoid)]),
            ModelSpec(inputSize: 784, encoder: [.init(units: 300, activation: .elu), .init(units: 150, activation: .elu)],
                      outputActivation: .identity, tiedWeights: true),
            ModelSpec(inputSize: 64, encoder: [.init(units: 40, activation: .relu), .init(units: 8, activation: .identity)], variational: true),
        ]
        // Pools live as long as the process: make one per thread count.
        let pools = [1, 2, 3].map { ComputePool(threads: $0) }
        for (k, spec) in specs.enumerated() {
            let model = try Autoencoder(spec: spec, seed: UInt64(10 + k))
            // One block, exact blocks, a short last block, many blocks for few threads.
            for rows in [1, 511, 512, 1024, 1500, 2600] {
                let x = TestSupport.randomMatrix(rows, spec.inputSize, seed: UInt64(rows))
                let serial = try model.encode(x)
                for pool in pools {
                    let threads = pool.threadCount
                    let parallel = try ParallelEncoder(model: model, pool: pool).encode(x)
                    XCTAssertEqual(parallel.rows, rows)
                    XCTAssertTrue(parallel.data.elementsEqual(serial.data) { $0.bitPattern == $1.bitPattern },
                                  "spec \(k), \(rows) rows, \(threads) threads")
                }
            }
            // Workspaces are reused across calls with different row counts.
            let encoder = ParallelEncoder(model: model, pool: pools[1])
            for rows in [1300, 700, 2048, 3] {
                let x = TestSupport.randomMatrix(rows, spec.inputSize, seed: UInt64(rows + 7))
                XCTAssertTrue(try encoder.encode(x).data.elementsEqual(try model.encode(x).data) { $0.bitPattern == $1.bitPattern })
            }
        }
    }

    func testAnEncoderBuiltFromTheEncodersVariablesAloneEncodesLikeTheModel() throws {
        let specs = [
            ModelSpec(inputSize: 30, encoder: [.init(units: 20, activation: .sigmoid)]),
            ModelSpec(inputSize: 30, encoder: [.init(units: 12, activation: .elu), .init(units: 5, activation: .elu)],
                      outputActivation: .identity, tiedWeights: true),
            ModelSpec(inputSize: 30, encoder: [.init(units: 16, activation: .relu), .init(units: 4, activation: .identity)], variational: true),
        ]
        for spec in specs {
            let model = try Autoencoder(spec: spec, seed: 3)
            let names = ParallelEncoder.variableNames(for: spec)
            XCTAssertLessThan(names.count, model.variableNames.count, "the decoder's variables are not needed")
            let all = model.variables
            let store = VariableStore(names.map { ($0, all[$0]!) })
            let encoder = try ParallelEncoder(spec: spec, encoderVariables: store, pool: ComputePool(threads: 2))
            XCTAssertEqual(encoder.codeSize, model.codeSize)
            for rows in [1, 1100] {
                let x = TestSupport.randomMatrix(rows, 30, seed: 4)
                XCTAssertEqual(try encoder.encode(x), try model.encode(x))
            }
            // Missing, extra or non-finite variables are refused, naming them.
            var missing = store
            missing[names[0]] = nil
            XCTAssertThrowsError(try ParallelEncoder(spec: spec, encoderVariables: missing)) { XCTAssertTrue("\($0)".contains(names[0])) }
            let decoderName = model.variableNames.first { !names.contains($0) }!
            var extra = store
            extra[decoderName] = all[decoderName]
            XCTAssertThrowsError(try ParallelEncoder(spec: spec, encoderVariables: extra)) { XCTAssertTrue("\($0)".contains(decoderName)) }
            var bad = store
            var t = bad[names[0]]!
            t.floats[0] = .nan
            bad[names[0]] = t
            XCTAssertThrowsError(try ParallelEncoder(spec: spec, encoderVariables: bad))
        }
        XCTAssertEqual(ParallelEncoder.variableNames(for: ModelSpec(inputSize: 784, encoder: [.init(units: 1000, activation: .sigmoid)])),
                       ["dense/kernel", "dense/bias"])
    }

    func testAWrongWidthIsRefused() throws {
        let model = try Autoencoder(spec: ModelSpec(inputSize: 8, encoder: [.init(units: 3, activation: .sigmoid)]), seed: 1)
        XCTAssertThrowsError(try ParallelEncoder(model: model).encode(Matrix(rows: 600, cols: 7)))
    }
}
