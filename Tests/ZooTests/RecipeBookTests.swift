import Autoencoders
import Checkpoint
import Foundation
import TestSupport
import XCTest
@testable import Zoo

/// `zoo/recipes.json`: the build plans `zoo build` trains from.
final class RecipeBookTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("recipes", removedAfter: self).appendingPathComponent("zoo")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func plan(id: String = "digits/tiny", epochs: Int = 3) -> RecipeBook.Recipe {
        let spec = ModelSpec(inputSize: 64, encoder: [.init(units: 24, activation: .sigmoid)], loss: .halfSumSquaresPerSample,
                             regularization: .init(l2: 1e-4, sparsity: .init(target: 0.1, weight: 0.5)))
        let recipe = TrainingRecipe(epochs: epochs, batchSize: 64, optimizer: .adam(learningRate: 3e-3), seed: 11,
                                    schedule: .cosine(final: 0.01))
        return RecipeBook.Recipe(id: id, title: "Tiny", family: "sparse", summary: "A test plan.", spec: spec, recipe: recipe,
                                 data: DataSource(dataset: "digits-8x8", split: "80/20", provenance: "scikit-learn", license: "BSD-3-Clause"))
    }

    func testLoadValidatesAndNamesTheEntryAndField() throws {
        XCTAssertNil(try RecipeBook.load(zoo: root), "no recipes.json, no book")
        let path = root.appendingPathComponent(RecipeBook.fileName).path
        try RecipeBook(path: path, recipes: [plan()]).save()
        XCTAssertEqual(try RecipeBook.load(zoo: root)?.recipes, [plan()])

        var badSpec = plan(); badSpec.spec.regularization.sparsity = .init(target: 1.5, weight: 1)
        var badData = plan(); badData.data.dataset = "cifar"
        var badSchedule = plan(); badSchedule.recipe.schedule = .cosine(final: 2)
        for (bad, field) in [(badSpec, "spec"), (badData, "data.dataset"), (badSchedule, "recipe")] {
            XCTAssertThrowsError(try RecipeBook(path: path, recipes: [bad]).validate()) { error in
                guard case let ZooError.registryInvalid(_, entry, f, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(entry, "digits/tiny"); XCTAssertEqual(f, field)
            }
        }
        XCTAssertThrowsError(try RecipeBook(path: path, recipes: [plan(), plan()]).validate())
        try #"{"schemaVersion": 1, "entries": [{"id": "digits/tiny", "title": "t"}]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RecipeBook.load(zoo: root)) { error in
            XCTAssertTrue("\(error)".contains("entry 'digits/tiny'"), "\(error)")
        }
    }

    func testAPlanReplacesTheDescriptionButKeepsWhatWasBuilt() {
        let built = ZooEntry(id: "digits/tiny", title: "Old", family: "basic", summary: "old", spec: ModelSpec(inputSize: 64, encoder: [.init(units: 8, activation: .relu)]),
                             recipe: TrainingRecipe(epochs: 1, batchSize: 8, optimizer: .sgd(learningRate: 0.1)),
                             data: plan().data, checkpoint: .init(path: "digits/tiny/model.h5", sha256: String(repeating: "b", count: 64), bytes: 9),
                             pictures: ["digits/tiny/weights.png"], aezooVersion: "0.0.1")
        let e = plan().entry(updating: built)
        XCTAssertEqual(e.spec, plan().spec); XCTAssertEqual(e.recipe, plan().recipe); XCTAssertEqual(e.title, "Tiny")
        XCTAssertEqual(e.checkpoint, built.checkpoint); XCTAssertEqual(e.pictures, built.pictures)
        let fresh = plan().entry(updating: nil)
        XCTAssertEqual(fresh.checkpoint.path, "digits/tiny/model.h5")
        XCTAssertEqual(fresh.checkpoint.sha256, "")
    }

    /// The same plan built twice, in two zoos, gives the same checkpoint bytes; the registry entry
    /// takes the plan's recipe and gets the locality numbers. Real data: the 8x8 digits.
    func testBuildingFromAPlanTwiceGivesIdenticalBytes() throws {
        let data = repositoryRoot.appendingPathComponent("data")
        guard FileManager.default.fileExists(atPath: data.appendingPathComponent("digits-8x8/train-images-idx3-ubyte.gz").path) else {
            throw XCTSkip("data/digits-8x8 is missing: run tools/setup.sh")
        }
        var files: [Data] = []
        for run in 0..<2 {
            let top = root.deletingLastPathComponent().appendingPathComponent("build-\(run)")
            let zoo = top.appendingPathComponent("zoo")
            try FileManager.default.createDirectory(at: zoo, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: top.appendingPathComponent("data"), withDestinationURL: data)
            try Registry(root: zoo, entries: []).save()
            let book = RecipeBook(path: zoo.appendingPathComponent(RecipeBook.fileName).path, recipes: [plan()])
            try book.save()
            var builder = ZooBuilder(registry: try Registry.load(zoo: zoo), recipes: try RecipeBook.load(zoo: zoo))
            XCTAssertEqual(builder.buildableIDs, ["digits/tiny"])
            let entry = try builder.build("digits/tiny", version: "test")
            XCTAssertEqual(entry.recipe, plan().recipe)
            XCTAssertEqual(try Registry.load(zoo: zoo).entry("digits/tiny"), entry)
            let m = try XCTUnwrap(entry.metrics)
            XCTAssertEqual(m.locality?.window, 2)
            XCTAssertNil(m.pcaModelSpaceMSE, "pixels in, so PCA's space is the model's")
            let file = zoo.appendingPathComponent(entry.checkpoint.path)
            files.append(try Data(contentsOf: file))
            XCTAssertEqual(try FileDigest(path: file.path).sha256, entry.checkpoint.sha256)
            let saved = try XCTUnwrap(try ModelCheckpoint(path: file.path).recipe())
            XCTAssertEqual(saved.schedule, .cosine(final: 0.01))
        }
        XCTAssertEqual(files[0], files[1], "two builds of one recipe must give the same bytes")
    }

    /// The committed build plans parse, validate and cover every variant of the committed registry.
    func testTheRepositorysRecipesCoverItsRegistry() throws {
        let zoo = repositoryRoot.appendingPathComponent("zoo")
        guard let book = try RecipeBook.load(zoo: zoo) else { throw XCTSkip("zoo/recipes.json is absent") }
        let registry = try Registry.load(zoo: zoo)
        XCTAssertEqual(Set(book.ids), Set(registry.ids))
    }
}
