#!/usr/bin/env bash
# Builds and runs the whole test suite. Release mode with testability: the integration tests train
# real models on Fashion-MNIST, which is minutes in a debug build and seconds in release.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --build-tests -Xswiftc -enable-testing
swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing "$@"
