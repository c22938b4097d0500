/// Errors that stop training. Training never continues on garbage.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A loss term or a gradient became NaN or infinite; the update was NOT applied.
    case nonFinite(epoch: Int, step: Int, terms: LossTerms, gradientsFinite: Bool)
    /// The data has no rows.
    case emptyData(context: String)
    /// The data holds NaN or infinity.
    case nonFiniteData(context: String)
    /// Resuming with a dataset of a different size than the state was saved with.
    case datasetChanged(expectedRows: Int, foundRows: Int)
    /// A saved `TrainingState` that cannot be used (e.g. a malformed RNG state).
    case badState(String)

    public var description: String {
        switch self {
        case let .nonFinite(epoch, step, terms, gradientsFinite):
            return "training diverged at epoch \(epoch + 1), step \(step + 1): loss terms reconstruction=\(terms.reconstruction) "
                + "sparsity=\(terms.sparsity) l2=\(terms.l2) l1=\(terms.l1) kl=\(terms.kl)"
                + (gradientsFinite ? "" : ", gradients hold NaN/Inf") + "; the update was not applied (try a smaller learning rate)"
        case .emptyData(let c): return "\(c): the data has no rows"
        case .nonFiniteData(let c): return "\(c): the data holds NaN or infinity"
        case let .datasetChanged(e, f): return "cannot resume: the state was saved for \(e) training rows, the data has \(f)"
        case .badState(let m): return "invalid training state: \(m)"
        }
    }
}
