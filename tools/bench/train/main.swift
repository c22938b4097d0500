// aezoo-bench: training throughput of the three seed architectures on Fashion-MNIST (60,000 images),
// next to the OpenBLAS sgemm peak measured in the same run and, when `import torch` works,
// PyTorch CPU with 2 threads running the same models (tools/bench/train/torch_bench.py).
//
//   swift run -c release aezoo-bench                 # all three, 2 epochs each (the 2nd is timed)
//   swift run -c release aezoo-bench --arch b --epochs 3 --no-torch --shards 2 --torch-threads 1
//   swift run -c release aezoo-bench pca --code 32 --epochs 20   # test MSE per epoch vs PCA
import Foundation
import Autoencoders
import Datasets
import Linalg

struct Architecture {
    let key: String
    let title: String
    let spec: ModelSpec
    let optimizer: OptimizerConfig
    let batchSize: Int

    /// sgemm FLOPs per sample per epoch: each layer does 2*in*out for the forward product, the
    /// kernel gradient and (except the first layer) the input gradient.
    var flopsPerSample: Double {
        let sizes = spec.layerSizes
        var f = 0.0
        for i in 0..<(sizes.count - 1) {
            let mac = 2 * Double(sizes[i]) * Double(sizes[i + 1])
            f += mac * (i == 0 ? 2 : 3)
        }
        return f
    }
}

let architectures: [Architecture] = [
    Architecture(key: "a", title: "784-200-784 softplus, 0.5*sum sq, Adam 1e-3, batch 128",
                 spec: ModelSpec(inputSize: 784, encoder: [.init(units: 200, activation: .softplus)],
                                 outputActivation: .softplus, loss: .halfSumSquares),
                 optimizer: .adam(learningRate: 1e-3), batchSize: 128),
    Architecture(key: "b", title: "784-1000-784 sigmoid + KL(0.1, 0.2) + MSE, Adam 1e-2, batch 1000",
                 spec: ModelSpec(inputSize: 784, encoder: [.init(units: 1000, activation: .sigmoid)],
                                 outputActivation: .sigmoid, loss: .mse,
                                 regularization: .init(sparsity: .init(target: 0.1, weight: 0.2))),
                 optimizer: .adam(learningRate: 1e-2), batchSize: 1000),
    Architecture(key: "c", title: "784-300-150-300-784 elu tied, MSE + L2 5e-4, Adam 1e-2, batch 150",
                 spec: ModelSpec(inputSize: 784, encoder: [.init(units: 300, activation: .elu), .init(units: 150, activation: .elu)],
                                 outputActivation: .identity, tiedWeights: true, loss: .mse,
                                 regularization: .init(l2: 5e-4), initializer: .heNormal, naming: .seed),
                 optimizer: .adam(learningRate: 1e-2), batchSize: 150),
]

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("aezoo-bench: \(message)\n".utf8))
    exit(1)
}

let dataDir = option("--data", "/usr/share/datasets/fashion-mnist")
func load(_ name: String) -> Matrix {
    do { return try IDX.readImages("\(dataDir)/\(name)-images-idx3-ubyte.gz") } catch { fail("\(error)") }
}

/// One row block of the peak probe's product, behind a reference so each thread writes its own.
final class ProductBlock {
    let a: Matrix
    var c: Matrix
    init(rows: Int, n: Int) { a = Matrix(rows: rows, cols: n, repeating: 0.5); c = Matrix(rows: rows, cols: n) }
}

/// Best of a few 2048^3 sgemm products, GFLOP/s, split into one row block per thread of `pool`
/// (each a single-threaded OpenBLAS call, the way training uses BLAS): the machine's sgemm peak
/// with all of its cores.
func sgemmPeak(_ pool: ComputePool) -> Double {
    let n = 2048, t = pool.threadCount
    let b = Matrix(rows: n, cols: n, repeating: 0.25)
    let blocks = (0..<t).map { i in ProductBlock(rows: (i + 1) * n / t - i * n / t, n: n) }
    var best = 0.0
    for _ in 0..<4 {
        let start = Date()
        pool.run(tasks: t) { i in Matrix.gemm(blocks[i].a, .none, b, .none, into: &blocks[i].c) }
        best = max(best, 2 * Double(n * n * n) / Date().timeIntervalSince(start) / 1e9)
    }
    return best
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

func timeEpochs(_ arch: Architecture, train: Matrix, epochs: Int, shards: Int) throws -> (seconds: Double, loss: Double) {
    let model = try Autoencoder(spec: arch.spec, seed: 1)
    let trainer = try Trainer(model: model, optimizer: arch.optimizer.makeOptimizer(), batchSize: arch.batchSize, seed: 1, shards: shards)
    trainer.showsProgress = false
    var times: [Double] = []
    var last = Date()
    try trainer.fit(train, epochs: epochs) { event in
        if case .epoch = event { let now = Date(); times.append(now.timeIntervalSince(last)); last = now }
        return .proceed
    }
    // The first epoch pays for page faults and buffer set-up; time the later ones (median).
    let timed = times.count > 1 ? Array(times.dropFirst()) : times
    return (median(timed), trainer.state.history.last?.total ?? .nan)
}

func runTorch(_ keys: [String], epochs: Int) -> [String: Double] {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("torch_bench.py").path
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    probe.arguments = ["python3", "-c", "import torch"]
    probe.standardError = FileHandle.nullDevice
    do { try probe.run(); probe.waitUntilExit() } catch { return [:] }
    guard probe.terminationStatus == 0 else { print("PyTorch: not installed (pip install torch), skipped"); return [:] }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, "--data", dataDir, "--epochs", String(epochs), "--arch", keys.joined(separator: ","),
                   "--threads", option("--torch-threads", "2")]
    let pipe = Pipe()
    p.standardOutput = pipe
    do { try p.run() } catch { print("PyTorch: could not run \(script): \(error)"); return [:] }
    let out = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    var result: [String: Double] = [:]
    for line in String(decoding: out, as: UTF8.self).split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 3, parts[0] == "torch", let s = Double(parts[2]) { result[String(parts[1])] = s }
    }
    return result
}

func benchmark() throws {
    let epochs = max(Int(option("--epochs", "2")) ?? 2, 1)
    let shards = Int(option("--shards", String(TrainingRecipe.defaultShards))) ?? TrainingRecipe.defaultShards
    let pool = ComputePool.shared
    let keys = option("--arch", "a,b,c").split(separator: ",").map(String.init)
    let train = load("train")
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    print("machine load average (1/5/15 min): \(load)  (timings are wall-clock: run on an idle machine)")
    print("aezoo-bench: \(train.rows) training images, OpenBLAS \(OpenBLASRuntime.coreName) kernels (single-threaded calls), "
          + "\(shards) shard(s) per batch on \(pool.threadCount) thread(s), \(epochs) epoch(s) per model (first untimed when > 1, median of the rest)")
    // The peak is measured before and after the models and the larger kept: on a shared machine a
    // single probe can land in a busy moment and flatter the percentages.
    let peakBefore = sgemmPeak(pool)
    var results: [(Architecture, Double, Double)] = []
    var ours: [String: Double] = [:]
    for arch in architectures where keys.contains(arch.key) {
        let (seconds, loss) = try timeEpochs(arch, train: train, epochs: epochs, shards: shards)
        ours[arch.key] = seconds
        results.append((arch, seconds, loss))
    }
    let peakAfter = sgemmPeak(pool)
    let peak = max(peakBefore, peakAfter)
    let onePeak = sgemmPeak(ComputePool(threads: 1))
    print(String(format: "OpenBLAS sgemm peak (2048^3, one row block per thread, %d thread(s), same run, best of before/after): %.1f GFLOP/s (before %.1f, after %.1f; one core %.1f)",
                 pool.threadCount, peak, peakBefore, peakAfter, onePeak))
    for (arch, seconds, loss) in results {
        let gflops = arch.flopsPerSample * Double(train.rows) / seconds / 1e9
        print(String(format: "(%@) %@\n    %.2f s/epoch  %.0f samples/s  %.1f GFLOP/s = %.0f%% of sgemm peak  (last epoch loss %.5g)",
                     arch.key, arch.title, seconds, Double(train.rows) / seconds, gflops, 100 * gflops / peak, loss))
    }
    let torch = CommandLine.arguments.contains("--no-torch") ? [:] : runTorch(keys, epochs: epochs)
    for key in keys.sorted() {
        guard let t = torch[key], let s = ours[key] else { continue }
        print(String(format: "(%@) PyTorch CPU %@ threads: %.2f s/epoch  -> aezoo is %.2fx faster", key, option("--torch-threads", "2"), t, t / s))
    }
}

/// Trains a 784-k-784 model and prints the test MSE per epoch next to PCA with k components.
func comparePCA() throws {
    let k = Int(option("--code", "32")) ?? 32
    let epochs = Int(option("--epochs", "20")) ?? 20
    let hidden = Activation(rawValue: option("--activation", "identity")) ?? .identity
    let output = Activation(rawValue: option("--output", "sigmoid")) ?? .sigmoid
    let loss = ReconstructionLoss(rawValue: option("--loss", "mse")) ?? .mse
    let lr = Float(option("--lr", "0.001")) ?? 1e-3
    let batch = Int(option("--batch", "64")) ?? 64
    let train = load("train"), test = load("t10k")
    var t = Date()
    let pca = try PCA.fit(train, components: k)
    print(String(format: "PCA-%d test MSE %.5f  (fit on %d images in %.1f s)", k, pca.reconstruct(test).meanSquaredError(to: test), train.rows, Date().timeIntervalSince(t)))
    let spec = ModelSpec(inputSize: 784, encoder: [.init(units: k, activation: hidden)], outputActivation: output, loss: loss)
    let model = try Autoencoder(spec: spec, seed: 1)
    let trainer = try Trainer(model: model, optimizer: Adam(config: .adam(learningRate: lr)), batchSize: batch, seed: 1)
    trainer.showsProgress = false
    t = Date()
    try trainer.fit(train, epochs: epochs) { event in
        if case .epoch(let m, _) = event {
            let mse = (try? model.reconstruct(test).meanSquaredError(to: test)) ?? .nan
            print(String(format: "epoch %2d  test MSE %.5f  train loss %.5f  (%.1f s)", m.epoch, mse, m.total, Date().timeIntervalSince(t)))
        }
        return .proceed
    }
}

do {
    if CommandLine.arguments.dropFirst().first == "pca" { try comparePCA() } else { try benchmark() }
} catch {
    fail("\(error)")
}
