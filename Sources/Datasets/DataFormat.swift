/// The file formats aezoo reads and writes.
public enum DataFormat: String, Sendable, CaseIterable, Codable {
    case idx, csv, npy, hdf5

    /// The format a file name implies (`.gz` is looked through), or nil.
    public static func infer(fromPath path: String) -> DataFormat? {
        var name = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".npy") { return .npy }
        if name.hasSuffix(".h5") || name.hasSuffix(".hdf5") || name.hasSuffix(".he5") { return .hdf5 }
        if name.hasSuffix(".idx") || name.hasSuffix("-ubyte") || name.hasSuffix(".ubyte") || name.contains("-idx") { return .idx }
        return nil
    }
}
