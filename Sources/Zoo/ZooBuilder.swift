import Autoencoders
import Checkpoint
import Datasets
import Evaluation
import Foundation
import Linalg
import Render

/// Rebuilds a zoo variant from its recipe: train, write the checkpoint, measure, draw, write the card,
/// and update the entry. The checkpoint is byte-for-byte reproducible: training is deterministic
/// given the seed, and the file carries no timestamp (`created_at` is the epoch; the build time
/// goes to the registry's metrics instead, which are not hashed).
public struct ZooBuilder {
    public var registry: Registry
    /// Build plans that take precedence over the registry's recipes (`zoo/recipes.json`).
    public var recipes: RecipeBook?
    /// Progress lines (epochs, steps) go here.
    public var log: (String) -> Void

    public init(registry: Registry, recipes: RecipeBook? = nil, log: @escaping (String) -> Void = { _ in }) {
        self.registry = registry
        self.recipes = recipes
        self.log = log
    }

    /// Every id a build can name: the recipe book's, then registry entries it does not list.
    public var buildableIDs: [String] {
        let planned = recipes?.ids ?? []
        return planned + registry.ids.filter { !planned.contains($0) }
    }

    /// The file a variant's checkpoint is written to, inside the zoo.
    public static func checkpointPath(for id: String) -> String { "\(id)/model.h5" }

    /// Trains and writes `id`, then saves the updated registry. Returns the new entry.
    @discardableResult
    public mutating func build(_ id: String, version: String) throws -> ZooEntry {
        var entry: ZooEntry
        if let plan = recipes?.recipe(id) {
            entry = plan.entry(updating: registry.entries.first { $0.id == id })
        } else {
            entry = try registry.entry(id)
        }
        let root = registry.root
        let train = try Self.load(entry.data.dataset, train: true, zoo: root)
        let test = try Self.load(entry.data.dataset, train: false, zoo: root)
        log("\(id): training \(entry.spec.layerSizes.map(String.init).joined(separator: "-")) on \(train.inputs.rows) rows, \(entry.recipe.epochs) epochs")

        let run = try TrainingRun(spec: entry.spec, recipe: entry.recipe, rawTrain: train.inputs)
        run.notes = ["zoo_id": id, "dataset": entry.data.dataset]
        let log = self.log
        let result = try run.train(saver: nil) { m in
            log(String(format: "  epoch %3d  loss %.6g  train MSE %.6f", m.epoch, m.total, m.meanSquaredError))
        }

        // Write the checkpoint (atomically) inside the zoo.
        entry.checkpoint.path = Self.checkpointPath(for: id)
        let file = try ZooPaths.resolve(entry.checkpoint.path, in: root, entry: id)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        var contents = try run.contents(codePrior: result.codePrior)
        contents.metadata.createdAt = Date(timeIntervalSince1970: 0)
        try CheckpointWriter.write(contents, to: file.path, keepTimestamp: true)
        let digest = try FileDigest(path: file.path)
        entry.checkpoint.sha256 = digest.sha256
        entry.checkpoint.bytes = digest.bytes

        // Measure.
        let report = try ModelEvaluation.run(model: run.model, normalization: run.normalization, train: train, test: test)
        let final = result.history.last?.terms ?? LossTerms()
        entry.metrics = ZooMetrics(
            testMSE: report.testMSE, pcaMSE: report.pcaMSE ?? .nan, pcaModelSpaceMSE: report.pcaModelSpaceMSE,
            locality: report.locality, meanCodeActivation: report.meanCodeActivation,
            sparsityTarget: report.sparsityTarget, deadUnits: report.deadUnits, codeUnits: report.codeUnits,
            probeAccuracy: report.probeAccuracy ?? .nan, rawProbeAccuracy: report.rawProbeAccuracy ?? .nan,
            finalLoss: ["reconstruction": final.reconstruction, "sparsity": final.sparsity, "l2": final.l2, "l1": final.l1, "kl": final.kl],
            trainSeconds: (result.seconds * 10).rounded() / 10)
        log(String(format: "  test MSE %.5f (PCA %.5f, in the model's space %.5f)  mean activation %.4f  dead %d  probe %.3f (raw %.3f)",
                   report.testMSE, report.pcaMSE ?? .nan, report.pcaModelSpaceMSE ?? report.pcaMSE ?? .nan,
                   report.meanCodeActivation, report.deadUnits, report.probeAccuracy ?? .nan, report.rawProbeAccuracy ?? .nan))
        if let l = report.locality { log("  first-layer weights: \(l.summaryLine)") }

        // Draw.
        entry.pictures = try Self.drawPictures(run: run, prior: result.codePrior, history: result.history, test: test,
                                               folder: file.deletingLastPathComponent(), relativeFolder: id)
        entry.aezooVersion = version

        // Card and registry.
        registry.upsert(entry)
        try ModelCard.write(for: entry, in: registry)
        try registry.save()
        return entry
    }

    public static func load(_ dataset: String, train: Bool, zoo: URL) throws -> LabeledSplit {
        let files = try DatasetCatalog.files(dataset, train: train, zoo: zoo)
        let data = try Dataset.load(files.images, options: ReadOptions(labelsPath: files.labels))
        return LabeledSplit(inputs: data.images, labels: data.labels)
    }

    /// weights.png, reconstructions.png, samples.png and training.svg next to the checkpoint.
    static func drawPictures(run: TrainingRun, prior: CodePrior, history: [EpochMetrics], test: LabeledSplit,
                             folder: URL, relativeFolder: String) throws -> [String] {
        let side = Int(Double(run.spec.inputSize).squareRoot().rounded())
        guard side * side == run.spec.inputSize else { return [] }
        let scale = side < 16 ? 4 : 2
        var names: [String] = []
        func path(_ name: String) -> String { names.append("\(relativeFolder)/\(name)"); return folder.appendingPathComponent(name).path }

        let kernel = try run.model.weights(layer: 0)
        let units = Array(0..<min(kernel.cols, 400))
        let weights = try WeightGrid.render(kernel: kernel, options: .init(units: units, tileWidth: side, tileHeight: side))
        try PNG.write(weights.scaled(by: scale), to: path("weights.png"))

        let originals = test.inputs.rows(0..<min(20, test.inputs.rows))
        var x = originals
        run.normalization.apply(to: &x)
        var r = try run.model.reconstruct(x)
        run.normalization.invert(&r)
        let recon = try ImageGrid.reconstructions(originals: originals, reconstructions: r, perRow: 10, tileWidth: side, tileHeight: side)
        try PNG.write(recon.scaled(by: scale), to: path("reconstructions.png"))

        var rng = RandomSource(seed: 1)
        var samples = try run.model.decode(prior.sample(count: 40, rng: &rng))
        run.normalization.invert(&samples)
        let grid = try ImageGrid.samples(samples, perRow: 10, tileWidth: side, tileHeight: side)
        try PNG.write(grid.scaled(by: scale), to: path("samples.png"))

        let plot = LossCurves.plot(history, title: relativeFolder, log: true)
        try plot.write(to: path("training.svg"))
        return names
    }
}
