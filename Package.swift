// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Licna",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LicnaBasics", targets: ["LicnaBasics"]),
        .library(name: "LicnaAPI", targets: ["LicnaAPI"]),
        .library(name: "LicnaCore", targets: ["LicnaCore"]),
        .library(name: "LicnaPKI", targets: ["LicnaPKI"]),
        .library(name: "LicnaCard", targets: ["LicnaCard"]),
        .library(name: "LicnaCardClient", targets: ["LicnaCardClient"]),
        .library(name: "LicnaDocuments", targets: ["LicnaDocuments"]),
        .library(name: "LicnaIdentityProvider", targets: ["LicnaIdentityProvider"]),
        .library(name: "LicnaPortal", targets: ["LicnaPortal"]),
        .executable(name: "licna", targets: ["licna"]),
        // What a citizen installs: the card commands, built without Vapor or Fluent.
        .executable(name: "licna-card", targets: ["licna-card"]),
        // libFuzzer target over the card's APDU interface, built with coverage and AddressSanitizer in .build-fuzz by
        // scripts/fuzz and scripts/test (a plain build links it with an empty main).
        .executable(name: "LicnaCardFuzz", targets: ["LicnaCardFuzz"]),
        // libFuzzer target over the PDF reader, built the same way (`--product LicnaPDFFuzz`).
        .executable(name: "LicnaPDFFuzz", targets: ["LicnaPDFFuzz"]),
        // libFuzzer targets over the OCSP and TSA request parsers, the registry CSV import, the backup file's
        // framing and the whole signature validator under its limits, built the same way; scripts/fuzz runs them all.
        .executable(name: "LicnaOCSPFuzz", targets: ["LicnaOCSPFuzz"]),
        .executable(name: "LicnaTSAFuzz", targets: ["LicnaTSAFuzz"]),
        .executable(name: "LicnaCSVFuzz", targets: ["LicnaCSVFuzz"]),
        .executable(name: "LicnaBackupFuzz", targets: ["LicnaBackupFuzz"]),
        .executable(name: "LicnaValidatorFuzz", targets: ["LicnaValidatorFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/pointfreeco/swift-tagged.git", from: "0.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // Foundation-only basics every module shares: the error model, the clock and calendar dates, hex.
        .target(name: "LicnaBasics"),
        // The JSON API's shared request and answer bodies (Foundation only): the server and its clients use the same.
        .target(name: "LicnaAPI", dependencies: ["LicnaBasics"]),
        .target(
            name: "LicnaCore",
            dependencies: [
                "LicnaBasics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tagged", package: "swift-tagged"),
            ]
        ),
        .target(
            name: "LicnaPKI",
            dependencies: [
                "LicnaBasics",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "LicnaCard",
            dependencies: [
                "LicnaBasics",
                "LicnaCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "LicnaCardClient",
            dependencies: [
                "LicnaBasics",
                "LicnaCard",
                "LicnaPKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "LicnaDocuments",
            dependencies: [
                "LicnaBasics",
                "LicnaPKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "LicnaTranslations",
            resources: [.copy("Resources")]
        ),
        // Plumbing both executables share: exit codes, the terminal, hex and document arguments, the main loop.
        .target(
            name: "LicnaCommandLine",
            dependencies: [
                "LicnaBasics",
                "LicnaTranslations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "LicnaCardCommands",
            dependencies: [
                "LicnaBasics",
                "LicnaCore",
                "LicnaAPI",
                "LicnaCommandLine",
                "LicnaTranslations",
                "LicnaCard",
                "LicnaCardClient",
                "LicnaDocuments",
                "LicnaPKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "licna-card",
            dependencies: ["LicnaCardCommands", "LicnaCommandLine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .target(
            name: "LicnaServer",
            dependencies: [
                "LicnaBasics",
                "LicnaAPI",
                "LicnaCard",
                "LicnaCardClient",
                "LicnaTranslations",
                "LicnaCore",
                "LicnaPKI",
                "LicnaDocuments",
                "LicnaIdentityProvider",
                "LicnaPortal",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tagged", package: "swift-tagged"),
            ],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "licna",
            dependencies: [
                "LicnaBasics",
                "LicnaAPI",
                "LicnaCardCommands",
                "LicnaCommandLine",
                "LicnaTranslations",
                "LicnaCore",
                "LicnaServer",
                "LicnaCard",
                "LicnaCardClient",
                "LicnaDocuments",
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "LicnaPDFFuzz",
            dependencies: ["LicnaDocuments"]
        ),
        .executableTarget(
            name: "LicnaOCSPFuzz",
            dependencies: ["LicnaPKI"]
        ),
        .executableTarget(
            name: "LicnaTSAFuzz",
            dependencies: ["LicnaPKI"]
        ),
        .executableTarget(
            name: "LicnaCSVFuzz",
            dependencies: ["LicnaBasics", "LicnaCore"]
        ),
        .executableTarget(
            name: "LicnaBackupFuzz",
            dependencies: ["LicnaBasics", "LicnaCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "LicnaValidatorFuzz",
            dependencies: ["LicnaDocuments", "LicnaPKI", .product(name: "X509", package: "swift-certificates")]
        ),
        .executableTarget(
            name: "LicnaCardFuzz",
            dependencies: [
                "LicnaBasics",
                "LicnaCard",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The OpenID Connect provider's protocol core (no web framework): endpoints, tokens, storage protocols.
        .target(
            name: "LicnaIdentityProvider",
            dependencies: [
                "LicnaBasics",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "LicnaIdentityProviderTests",
            dependencies: [
                "LicnaBasics", "LicnaIdentityProvider", "LicnaTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The citizen portal's pure logic: the service catalogue and its search (no web framework).
        .target(
            name: "LicnaPortal",
            dependencies: ["LicnaBasics", "LicnaCore", "LicnaIdentityProvider"]
        ),
        .testTarget(
            name: "LicnaPortalTests",
            dependencies: ["LicnaBasics", "LicnaCore", "LicnaPortal", "LicnaIdentityProvider"]
        ),
        .testTarget(
            name: "LicnaCoreTests",
            dependencies: ["LicnaBasics", "LicnaCore"]
        ),
        .testTarget(
            name: "LicnaBasicsTests",
            dependencies: ["LicnaBasics", "LicnaTestSupport"]
        ),
        .testTarget(
            name: "LicnaCommandLineTests",
            dependencies: [
                "LicnaBasics", "LicnaCommandLine", "LicnaTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "LicnaTestSupport",
            dependencies: [
                "LicnaBasics",
                "LicnaPKI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/LicnaTestSupport"
        ),
        .testTarget(
            name: "LicnaPKITests",
            dependencies: [
                "LicnaBasics","LicnaPKI", "LicnaTestSupport"]
        ),
        .testTarget(
            name: "LicnaCardTests",
            dependencies: [
                "LicnaBasics","LicnaCard"]
        ),
        .testTarget(
            name: "LicnaCardClientTests",
            dependencies: [
                "LicnaBasics",
                "LicnaCardClient",
                "LicnaCard",
                "LicnaPKI",
                "LicnaTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(
            name: "LicnaDocumentsTests",
            dependencies: [
                "LicnaBasics","LicnaDocuments", "LicnaPKI", "LicnaTestSupport"]
        ),
        .testTarget(
            name: "LicnaServerTests",
            dependencies: [
                "LicnaBasics",
                "LicnaAPI",
                // The commands' exit statuses for errors (ErrorMappingTests).
                "LicnaCardCommands",
                "LicnaServer",
                // Key attestation end to end: virtual cards personalized by the installation (AttestationIssuanceTests).
                "LicnaCard",
                "LicnaCardClient",
                "LicnaTranslations",
                "LicnaIdentityProvider",
                "LicnaTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
