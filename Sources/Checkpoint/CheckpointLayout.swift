/// Names and rules of the on-disk layout (docs/FORMAT.md is the prose version of this file).
public enum CheckpointLayout {
    public static let formatName = "aezoo-checkpoint"
    /// Bumped on any change a version-1 reader could misread.
    public static let formatVersion: Int64 = 1
    public static let creator = "aezoo"
    public static let creatorVersion = "0.1.0"

    public static let variablesGroup = "variables"
    public static let normalizationGroup = "normalization"
    public static let codePriorGroup = "code_prior"
    /// The code prior's Cholesky factor, inside `codePriorGroup` (older files hold `covariance`).
    public static let codePriorFactor = "cholesky"

    /// Dataset attribute holding a variable's TensorFlow name, exactly.
    public static let tfNameAttribute = "tf_name"
    /// Dataset attribute holding the SHA-256 of that variable alone (same bytes as its share of
    /// `variables_sha256`), so loading a subset is verified too.
    public static let sha256Attribute = "sha256"

    enum RootAttribute {
        static let format = "aezoo_format"
        static let formatVersion = "aezoo_format_version"
        static let creator = "creator"
        static let creatorVersion = "creator_version"
        static let createdAt = "created_at"
        static let globalStep = "global_step"
        static let variableNames = "variable_names"
        static let variablesSHA256 = "variables_sha256"
        static let modelSpec = "model_spec"
        static let trainingRecipe = "training_recipe"
        static let metricsHistory = "metrics_history"
        static let trainingState = "training_state"
        static let normalization = "normalization"
        static let notes = "notes"
    }

    /// Maps a TensorFlow variable name to one HDF5 link name, losslessly. `/` would make HDF5
    /// create groups (and `dense/kernel` cannot be both a dataset and the parent of
    /// `dense/kernel/Adam`), so names are percent-encoded: `%` -> `%25`, `/` -> `%2F`, and a
    /// leading `.` -> `%2E` (HDF5 reserves `.`). Everything else is kept, so names stay readable.
    public static func linkName(forVariable name: String) -> String {
        var out = ""
        for (i, ch) in name.enumerated() {
            switch ch {
            case "%": out += "%25"
            case "/": out += "%2F"
            case "." where i == 0: out += "%2E"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Inverse of `linkName(forVariable:)`; nil if the link name is not a valid encoding.
    public static func variableName(forLink link: String) -> String? {
        var out = ""
        var iterator = link.makeIterator()
        while let ch = iterator.next() {
            guard ch == "%" else { out.append(ch); continue }
            guard let a = iterator.next(), let b = iterator.next() else { return nil }
            switch String([a, b]).uppercased() {
            case "25": out.append("%")
            case "2F": out.append("/")
            case "2E": out.append(".")
            default: return nil
            }
        }
        return out
    }

    /// Whole rows, about 256 KiB per chunk: big enough that per-chunk overhead vanishes, small
    /// enough that a 784x1000 kernel splits into a dozen chunks to compress on all cores.
    static func chunkShape(for shape: [Int], elementSize: Int) -> [Int] {
        let rowBytes = max(1, shape.dropFirst().reduce(1, *) * elementSize)
        var chunk = shape.map { max($0, 1) }
        chunk[0] = max(1, min(shape[0], (256 << 10) / rowBytes))
        return chunk
    }

    /// zlib level for variables: 1 is ~3x faster than h5py's default 4 and, on float weights
    /// (after byte shuffling), within a few percent of its size.
    static let deflateLevel = 1
}
