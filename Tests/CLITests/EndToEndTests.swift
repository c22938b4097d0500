import Foundation
import TestSupport
import XCTest

/// The command line as a user drives it: train a tiny model on real digits, then use it.
final class EndToEndTests: XCTestCase {
    func testTrainEncodeDecodeReconstructGenerateVisualizeEvaluate() throws {
        let (images, labels) = try CLI.mnistTest()
        let dir = try makeTemporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: dir) }
        let runs = dir.appendingPathComponent("run").path

        // Train: a 784-16-784 autoencoder (linear code, sigmoid output), 10 epochs, checkpoints every 50 steps.
        var r = try CLI.run(["train", "-i", images, "--layers", "16", "--activation", "identity", "--epochs", "10", "--batch-size", "50",
                             "--learning-rate", "0.005", "--checkpoint-dir", runs, "--save-every", "50", "--max-to-keep", "3", "--seed", "4", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(summary["steps"] as? Int, 200)
        let state = try String(contentsOfFile: runs + "/checkpoint", encoding: .utf8)
        XCTAssertTrue(state.contains("model_checkpoint_path: \"model.ckpt-200.h5\""), state)
        let kept = try FileManager.default.contentsOfDirectory(atPath: runs).filter { $0.hasSuffix(".h5") }
        XCTAssertEqual(kept.count, 3, "max_to_keep 3 keeps three files, got \(kept)")

        // Encode to HDF5 and read it back with h5py.
        let codes = dir.appendingPathComponent("codes.h5").path
        r = try CLI.run(["encode", runs, "-i", images, "--labels", labels, "-o", codes, "--chunk-rows", "512"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let h5 = try CLI.python("""
            import h5py, sys
            f = h5py.File(sys.argv[1], 'r')
            c = f['codes']
            print(c.shape[0], c.shape[1], f['labels'].shape[0], c.attrs['model_id'], len(c.attrs['checkpoint_sha256']), bool((c[:] == c[:]).all()), c.dtype)
            """, [codes])
        XCTAssertEqual(h5.split(separator: " ").map(String.init), ["1000", "16", "1000", runs, "64", "True", "float32\n"])

        // Decode codes to a picture, reconstruct to NPY, generate to PNG: decode the PNGs with Pillow.
        let decoded = dir.appendingPathComponent("decoded.png").path
        r = try CLI.run(["decode", runs, "-i", codes, "-o", decoded, "--count", "20", "--per-row", "10", "--scale", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let recon = dir.appendingPathComponent("recon.npy").path
        r = try CLI.run(["reconstruct", runs, "-i", images, "-o", recon, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let mse = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["meanSquaredError"] as! Double
        // Well below predicting the mean image (MSE 0.067 on these digits): the model learned something.
        XCTAssert(mse > 0 && mse < 0.05, "MSE \(mse)")
        let samples = dir.appendingPathComponent("samples.png").path
        r = try CLI.run(["generate", runs, "--count", "12", "--per-row", "4", "--seed", "9", "-o", samples, "--scale", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let weights = dir.appendingPathComponent("weights.png").path
        r = try CLI.run(["visualize", "weights", runs, "-o", weights, "--scale", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for (kind, extra) in [("reconstructions", ["-i", images, "--count", "6"]), ("samples", ["--count", "6", "--seed", "2"])] {
            let picture = dir.appendingPathComponent("visualize-\(kind).png").path
            r = try CLI.run(["visualize", kind, runs, "-o", picture] + extra)
            XCTAssertEqual(r.status, 0, "visualize \(kind): \(r.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: picture), "visualize \(kind) wrote no picture")
        }
        let svg = dir.appendingPathComponent("training.svg").path
        r = try CLI.run(["visualize", "training", runs, "-o", svg])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(try String(contentsOfFile: svg, encoding: .utf8).contains("<svg"))

        let pictures = try CLI.python("""
            import sys, numpy as np
            from PIL import Image
            for p in sys.argv[1:4]:
                im = Image.open(p); im.load(); print(im.mode, im.size[0], im.size[1])
            r = np.load(sys.argv[4]); print(r.shape[0], r.shape[1], r.dtype)
            """, [decoded, samples, weights, recon])
        let lines = pictures.split(separator: "\n").map(String.init)
        // 10 tiles of 28 px + 1 px gaps (+ borders) per row, 2 rows; 4x3 samples; 16 weight tiles in a 4x4 grid.
        XCTAssertEqual(lines[0].split(separator: " ").first, "L")
        XCTAssertEqual(lines[3], "1000 784 float32")

        // Same seed, same samples.
        let again = dir.appendingPathComponent("again.png").path
        XCTAssertEqual(try CLI.run(["generate", runs, "--count", "12", "--per-row", "4", "--seed", "9", "-o", again, "--scale", "1"]).status, 0)
        XCTAssertEqual(FileManager.default.contents(atPath: samples), FileManager.default.contents(atPath: again))

        // Evaluate with PCA and the probe, as JSON.
        r = try CLI.run(["evaluate", runs, "-i", images, "--train", images, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["report"] as! [String: Any]
        XCTAssertEqual(report["codeUnits"] as? Int, 16)
        XCTAssertNotNil(report["pcaMSE"] as? Double)
        XCTAssert((report["probeAccuracy"] as? Double ?? 0) > 0.5, "\(report)")

        // Resume continues from the latest checkpoint.
        r = try CLI.run(["train", "--resume", "-i", images, "--checkpoint-dir", runs, "--epochs", "11", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["steps"] as? Int, 220)
    }

    /// --save-every-epochs 2 over 5 epochs saves after epochs 2, 4 and the last (5), nothing else;
    /// a recipe's schedule is kept in the checkpoint so the run resumes on the same curve.
    func testSaveEveryEpochsAndAScheduledRecipe() throws {
        let (images, _) = try CLI.mnistTest()
        let dir = try makeTemporaryDirectory("cli-epochs", removedAfter: self)
        let job = dir.appendingPathComponent("job.json").path
        try #"""
        {"spec": {"inputSize": 784, "encoder": [{"units": 8, "activation": "sigmoid"}], "loss": "halfSumSquaresPerSample"},
         "recipe": {"epochs": 5, "batchSize": 250, "optimizer": {"kind": "adam", "learningRate": 0.003}, "seed": 2,
                    "schedule": {"kind": "cosine", "final": 0.1}}}
        """#.write(toFile: job, atomically: true, encoding: .utf8)
        let runs = dir.appendingPathComponent("run").path
        var r = try CLI.run(["train", "--recipe", job, "-i", images, "--checkpoint-dir", runs, "--save-every-epochs", "2", "--max-to-keep", "0"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let saved = try FileManager.default.contentsOfDirectory(atPath: runs).filter { $0.hasSuffix(".h5") }.sorted()
        XCTAssertEqual(saved, ["model.ckpt-16.h5", "model.ckpt-20.h5", "model.ckpt-8.h5"], "1,000 rows / 250 = 4 steps an epoch")
        r = try CLI.run(["inspect", runs + "/model.ckpt-20.h5", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("cosine"), "the recipe in the checkpoint keeps its schedule")
        r = try CLI.run(["train", "-i", images, "--layers", "8", "--checkpoint-dir", runs, "--save-every-epochs", "0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--save-every-epochs"), r.stderr)
    }

    func testShardsCoverTheDatasetExactlyOnce() throws {
        let (images, dir, runs) = try CLI.trainTinyModel(for: self)
        var paths: [String] = []
        for i in 0..<3 {
            let out = dir.appendingPathComponent("shard-\(i).npy").path
            let r = try CLI.run(["encode", runs, "-i", images, "--shard", "\(i)/3", "-o", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            paths.append(out)
        }
        let whole = dir.appendingPathComponent("whole.npy").path
        XCTAssertEqual(try CLI.run(["encode", runs, "-i", images, "-o", whole]).status, 0)
        let smallChunks = dir.appendingPathComponent("whole-1024.npy").path
        XCTAssertEqual(try CLI.run(["encode", runs, "-i", images, "--chunk-rows", "1024", "-o", smallChunks]).status, 0)
        // Every row once, in order, bit for bit: shards and chunks are cut on the encoder's 512-row
        // blocks, so each row meets the same neighbours in the same sgemm call (OpenBLAS's Zen
        // kernels give a row different last bits with other neighbours). The 1,000 rows are two
        // blocks, so shard 0/3 is empty.
        let same = try CLI.python("""
            import sys, numpy as np
            shards = [np.load(p) for p in sys.argv[1:4]]
            parts = np.concatenate(shards)
            whole, small = np.load(sys.argv[4]), np.load(sys.argv[5])
            print([len(s) for s in shards], parts.shape == whole.shape and bool((parts == whole).all()) and bool((small == whole).all()))
            """, paths + [whole, smallChunks])
        XCTAssertEqual(same, "[0, 512, 488] True\n")
    }
}
