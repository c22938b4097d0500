import Autoencoders
import Foundation

/// The model card `zoo/<id>/README.md`, generated from a registry entry so it never disagrees with it.
public enum ModelCard {
    /// Writes the card of `entry` to `zoo/<id>/README.md`.
    public static func write(for entry: ZooEntry, in registry: Registry) throws {
        let folder = try ZooPaths.resolve(entry.folder + "/README.md", in: registry.root, entry: entry.id)
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(markdown(for: entry).utf8).write(to: folder, options: .atomic)
    }

    public static func markdown(for e: ZooEntry) -> String {
        let spec = e.spec, recipe = e.recipe
        var s = "# \(e.id): \(e.title)\n\n\(e.summary)\n\n"
        s += "## Architecture\n\n"
        s += "| | |\n| --- | --- |\n"
        s += "| family | \(e.family) |\n"
        s += "| layers | \(spec.layerSizes.map(String.init).joined(separator: "-")) |\n"
        s += "| activations | \(spec.encoder.map(\.activation.rawValue).joined(separator: ", ")); output \(spec.outputActivation.rawValue) |\n"
        s += "| tied weights | \(spec.tiedWeights ? "yes (decoder kernels are the encoder's, transposed)" : "no") |\n"
        s += "| loss | \(spec.loss.rawValue) |\n"
        if spec.regularization.l2 > 0 { s += "| L2 (weights only) | \(spec.regularization.l2) |\n" }
        if spec.regularization.l1 > 0 { s += "| L1 | \(spec.regularization.l1) |\n" }
        if let sp = spec.regularization.sparsity { s += String(format: "| KL sparsity | rho = %g, weight = %g |\n", sp.target, sp.weight) }
        switch recipe.noise ?? spec.corruption {
        case .none: break
        case .gaussian(let sigma): s += "| training noise | additive Gaussian, sigma = \(sigma), per element and step |\n"
        case .masking(let p): s += "| training noise | masking, p = \(p) |\n"
        }
        if spec.variational { s += "| variational | code \(spec.codeSize), KL weight \(spec.klWeight) |\n" }
        s += "| variable names | \(spec.naming == .dense ? "tf.layers.dense (`dense/kernel`, ...)" : "seed (`weights1`, `biases1`, ...)") |\n\n"

        s += "## Training recipe\n\n"
        s += "| | |\n| --- | --- |\n"
        s += "| data | \(e.data.dataset): \(e.data.split) |\n"
        s += "| normalization | \(recipe.normalization.rawValue) |\n"
        s += "| epochs | \(recipe.epochs) |\n| batch size | \(recipe.batchSize) |\n"
        s += "| optimizer | \(recipe.optimizer.kind.rawValue), learning rate \(recipe.optimizer.learningRate) |\n"
        switch recipe.schedule {
        case nil, .constant?: break
        case .cosine(let final)?: s += "| learning-rate schedule | cosine decay to \(final) of the rate over the \(recipe.epochs) epochs |\n"
        case let .step(every, factor)?: s += "| learning-rate schedule | times \(factor) every \(every) epochs |\n"
        }
        s += "| seed | \(recipe.seed) |\n\n"

        if let m = e.metrics {
            s += "## Metrics (test split)\n\n"
            s += "| metric | value |\n| --- | --- |\n"
            let k = min(m.codeUnits, spec.inputSize)
            s += "| test MSE per pixel | \(fmt(m.testMSE, 5)) |\n"
            s += "| PCA, \(k) components fitted on the training pixels | \(fmt(m.pcaMSE, 5)) |\n"
            if let p = m.pcaModelSpaceMSE {
                s += "| PCA, \(k) components fitted in the model's input space (\(recipe.normalization.rawValue)-scaled), scored in pixels | \(fmt(p, 5)) |\n"
            }
            if m.codeUnits < spec.inputSize {
                let baseline = m.pcaModelSpaceMSE ?? m.pcaMSE
                s += "| test MSE / PCA in the model's space | \(fmt(m.testMSE / baseline, 3)) |\n"
            }
            s += "| mean code activation | \(fmt(m.meanCodeActivation, 4))\(m.sparsityTarget.map { String(format: " (target %g, off by %.1f%%)", $0, abs(m.meanCodeActivation - $0) / $0 * 100) } ?? "") |\n"
            s += "| dead code units | \(m.deadUnits) of \(m.codeUnits) |\n"
            s += "| linear probe on codes | \(fmt(m.probeAccuracy * 100, 2)) % |\n"
            s += "| linear probe on raw pixels | \(fmt(m.rawProbeAccuracy * 100, 2)) % |\n"
            if let l = m.locality {
                s += "| first-layer weights: median share of energy in the best \(l.window)x\(l.window) window | \(fmt(l.windowEnergy, 3)) (PCA's \(l.pcaComponents) components: \(fmt(l.pcaWindowEnergy, 3))) |\n"
                s += "| first-layer weights: median effective pixels, (sum abs w)^2 / sum w^2 | \(fmt(l.effectivePixels, 0)) (PCA: \(fmt(l.pcaEffectivePixels, 0))) |\n"
                if let mine = l.neighbourCorrelation, let theirs = l.pcaNeighbourCorrelation {
                    s += "| first-layer weights: median correlation of adjacent weights (1 smooth, 0 noise) | \(fmt(mine, 3)) (PCA: \(fmt(theirs, 3))) |\n"
                }
            }
            s += "| training time | \(fmt(m.trainSeconds, 1)) s |\n\n"
        }

        if !e.pictures.isEmpty {
            s += "## Pictures\n\n"
            for p in e.pictures {
                let name = (p as NSString).lastPathComponent
                s += "![\(name)](\(name))\n\n"
            }
        }

        s += "## Use it\n\n```sh\n"
        s += "aezoo zoo verify \(e.id)\n"
        s += "aezoo encode \(e.id) --input IMAGES -o codes.h5\n"
        s += "aezoo reconstruct \(e.id) --input IMAGES -o reconstructions.png\n"
        s += "aezoo generate \(e.id) --count 64 -o samples.png\n"
        s += "aezoo visualize weights \(e.id) -o weights.png\n"
        s += "aezoo evaluate \(e.id) --input IMAGES --labels LABELS\n"
        s += "aezoo zoo build \(e.id)        # retrain from this recipe\n"
        s += "```\n\n"
        s += "Checkpoint: `\(e.checkpoint.path)` (\(e.checkpoint.bytes) bytes, SHA-256 `\(e.checkpoint.sha256)`), "
        s += "with its Adam state, so `aezoo train --resume` can fine-tune it.\n\n"
        s += "## Data\n\n\(e.data.provenance) License: \(e.data.license).\n\n"
        s += "Built by aezoo \(e.aezooVersion).\n"
        return s
    }

    static func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}
