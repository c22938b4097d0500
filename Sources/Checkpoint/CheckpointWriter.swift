import Foundation
import HDF5
import Linalg

/// Writes one checkpoint file in the layout of docs/FORMAT.md, atomically: the file appears
/// complete under its final name or not at all.
///
/// ```swift
/// let contents = CheckpointContents(variables: store)
/// try CheckpointWriter.write(contents, to: "run/model.ckpt-100.h5")
/// ```
public enum CheckpointWriter {
    /// Writes `contents` to `path` (replacing it). `createdAt` is set to now unless
    /// `keepTimestamp` is true. Non-finite floats are refused: such a file could not be restored.
    public static func write(_ contents: CheckpointContents, to path: String, keepTimestamp: Bool = false) throws {
        try validate(contents.variables, file: path)
        var metadata = contents.metadata
        if !keepTimestamp { metadata.createdAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }
        // Hashing runs on its own thread while the variables are compressed and written.
        let digests = BackgroundDigests()
        for (name, tensor) in contents.variables { digests.add(name, tensor, whole: true, own: true) }
        try AtomicFile.write(to: path) { temporary in
            do {
                let file = try H5File.create(temporary)
                try writeVariables(contents.variables, into: file, digests: digests)
                // The index keeps the caller's order, which HDF5's (alphabetical) listing does not.
                try file.setAttribute(CheckpointLayout.RootAttribute.variableNames, .strings(contents.variables.names))
                try writeMetadata(metadata, into: file)
                try file.setAttribute(CheckpointLayout.RootAttribute.variablesSHA256, .string(digests.wholeDigest()))
                try file.close()
            } catch {
                throw CheckpointError.from(error, file: path)
            }
        }
    }

    static func validate(_ variables: VariableStore, file: String) throws {
        for (name, tensor) in variables {
            guard !name.isEmpty else { throw CheckpointError.invalidArgument("\(file): a variable has an empty name") }
            if tensor.isFloating, let index = FiniteCheck.firstNonFinite(tensor.floats) {
                throw CheckpointError.nonFinite(file: file, variable: name, index: index, value: tensor.floats[index])
            }
        }
    }

    static func writeVariables(_ variables: VariableStore, into file: H5File, digests: BackgroundDigests) throws {
        let group = try file.createGroup(CheckpointLayout.variablesGroup)
        var datasets: [(String, H5Dataset)] = []
        for (name, tensor) in variables {
            let link = CheckpointLayout.linkName(forVariable: name)
            let dataset: H5Dataset
            switch tensor.dtype {
            case .float32: dataset = try group.createDataset(link, values: tensor.floats, shape: tensor.shape, options: options(tensor))
            case .float64: dataset = try group.createDataset(link, values: tensor.floats.map(Double.init), shape: tensor.shape, options: options(tensor))
            case .int32: dataset = try group.createDataset(link, values: tensor.ints.map { Int32(truncatingIfNeeded: $0) }, shape: tensor.shape, options: options(tensor))
            case .int64: dataset = try group.createDataset(link, values: tensor.ints, shape: tensor.shape, options: options(tensor))
            }
            try dataset.setAttribute(CheckpointLayout.tfNameAttribute, .string(name))
            datasets.append((name, dataset))
        }
        // The digests last, so no variable's compression waits for the hashing of an earlier one.
        for (name, dataset) in datasets {
            try dataset.setAttribute(CheckpointLayout.sha256Attribute, .string(digests.digest(of: name)))
        }
    }

    /// Chunked + shuffle + deflate + Fletcher-32 for arrays; HDF5 cannot chunk or filter rank-0
    /// or empty datasets, so those are stored contiguous (the file-level SHA-256 covers them).
    static func options(_ tensor: Tensor) -> H5DatasetOptions {
        options(shape: tensor.shape, elementSize: tensor.dtype.byteSize)
    }

    static func options(shape: [Int], elementSize: Int) -> H5DatasetOptions {
        guard !shape.isEmpty, shape.reduce(1, *) > 0 else { return H5DatasetOptions() }
        return H5DatasetOptions(chunks: CheckpointLayout.chunkShape(for: shape, elementSize: elementSize),
                                deflateLevel: CheckpointLayout.deflateLevel, fletcher32: true, shuffle: true)
    }

    static func writeMetadata(_ m: CheckpointMetadata, into file: H5File) throws {
        typealias A = CheckpointLayout.RootAttribute
        try file.setAttribute(A.format, .string(m.formatName))
        try file.setAttribute(A.formatVersion, .int64(m.formatVersion))
        try file.setAttribute(A.creator, .string(m.creator))
        try file.setAttribute(A.creatorVersion, .string(m.creatorVersion))
        try file.setAttribute(A.createdAt, .string(CheckpointMetadata.iso8601(m.createdAt)))
        try file.setAttribute(A.globalStep, .int64(m.globalStep))
        if let json = m.modelSpecJSON { try file.setAttribute(A.modelSpec, .string(json)) }
        if let json = m.trainingRecipeJSON { try file.setAttribute(A.trainingRecipe, .string(json)) }
        if let json = m.metricsHistoryJSON { try file.setAttribute(A.metricsHistory, .string(json)) }
        if let json = m.trainingStateJSON { try file.setAttribute(A.trainingState, .string(json)) }
        if !m.notes.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try file.setAttribute(A.notes, .string(String(decoding: try encoder.encode(m.notes), as: UTF8.self)))
        }
        switch m.normalization {
        case .none:
            try file.setAttribute(A.normalization, .string("none"))
        case let .standard(mean, std):
            try file.setAttribute(A.normalization, .string("standard"))
            let group = try file.createGroup(CheckpointLayout.normalizationGroup)
            try group.createDataset("mean", values: mean, shape: [mean.count])
            try group.createDataset("std", values: std, shape: [std.count])
        }
        if let prior = m.codePrior {
            let group = try file.createGroup(CheckpointLayout.codePriorGroup)
            try group.createDataset("mean", values: prior.mean, shape: [prior.dimension])
            // k x k floats, filtered like the variables: the zero upper triangle deflates away.
            let shape = [prior.dimension, prior.dimension]
            try group.createDataset(CheckpointLayout.codePriorFactor, values: prior.choleskyFactor, shape: shape,
                                    options: options(shape: shape, elementSize: MemoryLayout<Float>.size))
        }
    }
}

extension CheckpointMetadata {
    static func iso8601(_ date: Date) -> String { ISO8601Time.format(date) }

    static func parseISO8601(_ text: String) -> Date? { ISO8601Time.parse(text) }
}
