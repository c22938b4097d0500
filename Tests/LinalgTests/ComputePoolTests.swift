import Foundation
import XCTest
@testable import Linalg

final class ComputePoolTests: XCTestCase {
    /// Every task runs exactly once per region, over many back-to-back regions (the training
    /// step's pattern), with more tasks than threads and fewer.
    func testEveryTaskRunsOncePerRegion() {
        let pool = ComputePool(threads: 3)
        for tasks in [1, 2, 3, 5, 8] {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: tasks)
            defer { counts.deallocate() }
            counts.initialize(repeating: 0)
            for _ in 0..<2000 { pool.run(tasks: tasks) { counts[$0] += 1 } }
            XCTAssertEqual(Array(counts), Array(repeating: 2000, count: tasks), "\(tasks) tasks")
        }
    }

    /// Workers that went to sleep between regions wake for the next one.
    func testWakesSleepingWorkers() {
        let pool = ComputePool(threads: 2)
        var seen = [0, 0]
        seen.withUnsafeMutableBufferPointer { s in pool.run(tasks: 2) { s[$0] += 1 } }
        Thread.sleep(forTimeInterval: 0.05)  // long past the spin phase
        seen.withUnsafeMutableBufferPointer { s in pool.run(tasks: 2) { s[$0] += 1 } }
        XCTAssertEqual(seen, [2, 2])
    }

    /// Tasks see the caller's flush-to-zero mode, whichever thread runs them: a denormal product
    /// is flushed in every task or in none.
    func testTasksRunInTheCallersFloatingPointMode() {
        let pool = ComputePool(threads: 2)
        let tiny = Float.leastNormalMagnitude
        // Read at run time so the products cannot be folded at compile time.
        let factors = (0..<4).map { _ in Float(CommandLine.arguments.count > -1 ? 0.25 : 1) }
        func products() -> [Float] {
            var out = [Float](repeating: -1, count: 4)
            out.withUnsafeMutableBufferPointer { o in pool.run(tasks: 4) { t in o[t] = tiny * factors[t] } }
            return out
        }
        XCTAssertEqual(products(), Array(repeating: tiny * 0.25, count: 4))
        XCTAssertEqual(DenormalFlushing.run { products() }, Array(repeating: 0, count: 4))
    }

    /// A region started from inside a task runs serially instead of deadlocking.
    func testNestedRegionRunsSerially() {
        let pool = ComputePool(threads: 2)
        var inner = [Int](repeating: 0, count: 6)
        inner.withUnsafeMutableBufferPointer { s in
            pool.run(tasks: 2) { outer in pool.run(tasks: 3) { s[outer * 3 + $0] += 1 } }
        }
        XCTAssertEqual(inner, Array(repeating: 1, count: 6))
    }
}

final class OpenBLASRuntimeTests: XCTestCase {
    func testCoreChoiceFollowsCPUFlags() {
        XCTAssertEqual(OpenBLASRuntime.coreForCPUFlags(["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"]), "SkylakeX")
        XCTAssertEqual(OpenBLASRuntime.coreForCPUFlags(["avx512f", "avx2", "fma"]), "Haswell")
        XCTAssertNil(OpenBLASRuntime.coreForCPUFlags(["sse2", "sse3"]))
    }

    /// The kernels in use are never the SSE3 fallback on a CPU that can run AVX2.
    func testNoPrescottFallbackOnModernCPUs() throws {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard flags.contains(" avx2"), ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else {
            throw XCTSkip("CPU without AVX2, or OPENBLAS_CORETYPE set")
        }
        _ = Matrix(rows: 2, cols: 2, repeating: 1).matmul(Matrix(rows: 2, cols: 2, repeating: 1))
        XCTAssertNotEqual(OpenBLASRuntime.coreName, "Prescott")
    }
}
