import Autoencoders
import Foundation

/// How to build each variant, as data: `zoo/recipes.json`. `zoo build ID` trains from the recipe
/// here when there is one (the registry's entry takes its title, summary, spec, recipe and data from
/// it); otherwise from the recipe already in the registry.
///
/// The registry records what was built (checksums, metrics, pictures) with the recipe it was built
/// from; the recipe book says what to build next. After `zoo build --all` the two agree.
///
/// ```swift
/// let book = try RecipeBook.load(zoo: URL(fileURLWithPath: "zoo"))   // nil without recipes.json
/// let plan = try book?.recipe("fashion/sparse-kl-200")
/// ```
public struct RecipeBook: Sendable {
    public static let fileName = "recipes.json"

    /// One variant's build plan: a registry entry without what a build produces.
    public struct Recipe: Codable, Equatable, Sendable {
        public var id: String
        public var title: String
        public var family: String
        public var summary: String
        public var spec: ModelSpec
        public var recipe: TrainingRecipe
        public var data: DataSource

        public init(id: String, title: String, family: String, summary: String, spec: ModelSpec, recipe: TrainingRecipe, data: DataSource) {
            self.id = id; self.title = title; self.family = family; self.summary = summary
            self.spec = spec; self.recipe = recipe; self.data = data
        }

        /// The registry entry to build: `existing` (checkpoint, metrics and pictures kept until the
        /// build replaces them) with this plan's description, spec, recipe and data.
        public func entry(updating existing: ZooEntry?) -> ZooEntry {
            var e = existing ?? ZooEntry(id: id, title: title, family: family, summary: summary, spec: spec, recipe: recipe,
                                         data: data, checkpoint: .init(path: ZooBuilder.checkpointPath(for: id), sha256: "", bytes: 0),
                                         aezooVersion: "")
            e.title = title; e.family = family; e.summary = summary; e.spec = spec; e.recipe = recipe; e.data = data
            return e
        }
    }

    struct File: Codable {
        var schemaVersion: Int
        var entries: [Recipe]
    }

    public let path: String
    public private(set) var recipes: [Recipe]

    public init(path: String, recipes: [Recipe]) {
        self.path = path
        self.recipes = recipes
    }

    public var ids: [String] { recipes.map(\.id) }

    /// `<zoo>/recipes.json`, validated, or nil when the zoo has none.
    public static func load(zoo root: URL) throws -> RecipeBook? {
        let path = root.appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as DecodingError {
            throw Registry.describe(error, path: path, data: data)
        }
        guard file.schemaVersion == Registry.schemaVersion else {
            throw ZooError.registryInvalid(path: path, entry: nil, field: "schemaVersion",
                                           reason: "version \(file.schemaVersion) is not supported (this aezoo reads \(Registry.schemaVersion))")
        }
        let book = RecipeBook(path: path, recipes: file.entries)
        try book.validate()
        return book
    }

    /// Ids, specs, recipes and datasets, checked as the registry checks them.
    public func validate() throws {
        var seen = Set<String>()
        for r in recipes {
            func bad(_ field: String, _ reason: String) -> ZooError { .registryInvalid(path: path, entry: r.id, field: field, reason: reason) }
            guard Registry.isWellFormedID(r.id) else { throw bad("id", "must look like 'dataset/variant' (lowercase letters, digits, '-')") }
            guard seen.insert(r.id).inserted else { throw bad("id", "listed twice") }
            do { try r.spec.validate() } catch { throw bad("spec", "\(error)") }
            do { try r.recipe.validate() } catch { throw bad("recipe", "\(error)") }
            guard DatasetCatalog.known.contains(r.data.dataset) else {
                throw bad("data.dataset", "unknown dataset '\(r.data.dataset)' (known: \(DatasetCatalog.known.joined(separator: ", ")))")
            }
        }
    }

    public func recipe(_ id: String) -> Recipe? { recipes.first { $0.id == id } }

    /// Writes the book (sorted keys, so diffs stay small).
    public func save() throws {
        try validate()
        try Registry.writeJSON(File(schemaVersion: Registry.schemaVersion, entries: recipes), to: path)
    }
}
