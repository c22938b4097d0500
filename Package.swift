// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "aezoo",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "AEZoo", targets: ["Linalg", "Console", "HDF5", "Autoencoders", "Checkpoint", "Datasets", "Interop", "Zoo", "Render", "Evaluation"]),
        .executable(name: "aezoo", targets: ["aezoo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: a module map and one shim header each, nothing else.
        // HDF5 without pkg-config: its flags name the shared library, and aezoo links the static one
        // (see Sources/CHDF5/module.modulemap).
        .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
        // OpenBLAS and LAPACKE without pkg-config too: its flags name the shared library, and aezoo
        // links the static archives (Sources/CBLAS/module.modulemap; headers from the multiarch include dir).
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libdeflate without pkg-config, like HDF5: aezoo links the static archive (Sources/CDeflate/module.modulemap).
        .systemLibrary(name: "CDeflate", providers: [.apt(["libdeflate-dev"])]),

        // Per-thread processor controls Swift cannot express: flush-to-zero mode, the spin-wait hint.
        .target(name: "CProcessor"),
        // The training step's elementwise kernels, compiled per instruction set (function multi-versioning).
        .target(name: "CKernels"),
        // HDF5's shuffle and Fletcher-32 byte loops, in C so they vectorise (the chunk pipeline's hot loops).
        .target(name: "CChunkFilters"),
        .target(name: "Linalg", dependencies: ["CBLAS", "CProcessor"]),
        .target(name: "Console"),
        .target(name: "HDF5", dependencies: ["CHDF5", "CDeflate", "CChunkFilters"]),
        .target(name: "Autoencoders", dependencies: ["Linalg", "Console", "CKernels"]),
        .target(name: "Checkpoint", dependencies: ["HDF5", "Linalg", "Autoencoders", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Datasets", dependencies: ["HDF5", "Linalg", "CZlib"]),
        .target(name: "Interop", dependencies: ["HDF5", "Linalg", "Autoencoders", "Checkpoint", "Datasets", "CZlib"]),
        .target(name: "Render", dependencies: ["Linalg", "CZlib"]),
        .target(name: "Evaluation", dependencies: ["Autoencoders", "Linalg"]),
        .target(name: "Zoo", dependencies: ["Checkpoint", "Datasets", "Autoencoders", "Render", "Evaluation", "HDF5", .product(name: "Crypto", package: "swift-crypto")]),
        // Helpers shared by the test targets: temporary directories, child processes, Python, built executables.
        .target(name: "TestSupport"),
        .executableTarget(name: "checkpoint-stress", dependencies: ["Checkpoint", "Linalg", "Autoencoders"]),
        .executableTarget(name: "aezoo-bench", dependencies: ["Autoencoders", "Linalg", "Datasets"], path: "tools/bench/train", exclude: ["torch_bench.py"]),
        // The command line links the Swift runtime and Foundation statically (the flag is needed when
        // compiling too, so that the module's link entries name the static libraries): loading and
        // binding their shared libraries was the largest part of every aezoo process's start-up.
        .executableTarget(name: "aezoo", dependencies: [
            "Linalg", "Console", "HDF5", "Autoencoders", "Checkpoint", "Datasets", "Interop", "Zoo", "Render", "Evaluation",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: [.unsafeFlags(["-static-stdlib"])], linkerSettings: [.unsafeFlags(["-static-stdlib"])]),

        .testTarget(name: "LinalgTests", dependencies: ["Linalg"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "Linalg", "CZlib", "TestSupport"]),
        .testTarget(name: "AutoencodersTests", dependencies: ["Autoencoders", "Linalg", "Datasets"], exclude: ["Fixtures"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "Autoencoders", "Linalg", "HDF5", "TestSupport", "checkpoint-stress"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Linalg", "HDF5", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "InteropTests", dependencies: ["Interop", "Checkpoint", "Autoencoders", "Linalg", "HDF5", "TestSupport",
                                                      .product(name: "Crypto", package: "swift-crypto")], exclude: ["Fixtures"]),
        .testTarget(name: "RenderTests", dependencies: ["Render", "Linalg", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Autoencoders", "Linalg"]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "Checkpoint", "Autoencoders", "Evaluation", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Linalg", "TestSupport"]),
    ]
)
