#pragma once

#include "digest.h"
#include "platform.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace quayside {

enum class ManifestKind {
    OciIndex,
    DockerList,
    OciManifest,   // images and artifacts
    DockerSchema2,
    DockerSchema1, // recognised so it can be reported; legacy and unsupported for copying
};

QString toString(ManifestKind kind);

struct Descriptor {
    QString mediaType;
    QString digest; // as written; check hasValidDigest() before using it to fetch or push
    qint64 size = -1;
    std::optional<Platform> platform; // index entries only
    QString artifactType;
    QStringList urls; // non-distributable layers point elsewhere

    bool hasValidDigest() const { return Digest::parse(digest).has_value(); }
    bool isNonDistributable() const;
};

// A parsed manifest, holding the exact bytes it came from: Quayside pushes those bytes, never a
// re-serialisation, so digests survive a copy.
struct Manifest {
    ManifestKind kind = ManifestKind::OciManifest;
    QString mediaType;         // effective: Content-Type, else the declared field, else guessed
    QString declaredMediaType; // the "mediaType" field, if any
    QByteArray raw;
    Digest digest; // sha256 of raw

    // Images and artifacts.
    std::optional<Descriptor> config;
    std::vector<Descriptor> layers;
    QString artifactType;
    // Indexes and lists.
    std::vector<Descriptor> manifests;
    std::optional<Descriptor> subject;
    // Schema 1 names its architecture inline.
    QString schema1Architecture;

    bool isIndex() const { return kind == ManifestKind::OciIndex || kind == ManifestKind::DockerList; }
    bool isLegacy() const { return kind == ManifestKind::DockerSchema1; }
    bool isArtifact() const;
    // Index children's platforms, in order (empty Platform where an entry names none).
    std::vector<Platform> childPlatforms() const;
    // Config and layers: what a copy must move before this manifest.
    std::vector<Descriptor> blobs() const;
};

struct ManifestParse {
    std::optional<Manifest> manifest;
    QString error; // why the bytes are not a usable manifest

    bool ok() const { return manifest.has_value(); }
};

// What containers/image's GuessMIMEType answers for bytes of unknown type ("" if none), so
// Quayside and skopeo agree on manifests that lack a mediaType field.
QString guessManifestMediaType(const QByteArray &bytes);

// contentType: the response's Content-Type (parameters ignored); may be empty.
ManifestParse parseManifest(const QByteArray &bytes, const QString &contentType = QString());

bool isManifestMediaType(const QString &mediaType);
bool isIndexMediaType(const QString &mediaType);

} // namespace quayside
