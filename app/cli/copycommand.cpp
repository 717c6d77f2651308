// quayside-cli copy: one image (an index with every child) from one registry to another,
// natively, digests preserved, the destination tag moved last and only to verified content.
#include "clicontext.h"
#include "commands.h"
#include "jobs/copyengine.h"
#include "jobs/imagereference.h"
#include "registry/transport.h"
#include "support/credentials.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace quayside::cli {
namespace {

QString bytesText(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QJsonObject reportJson(const CopySpec &spec, const Result<CopyReport> &result, qint64 elapsedMs)
{
    QJsonObject o{{QStringLiteral("source"), spec.source.displayName()},
                  {QStringLiteral("destination"), spec.destination.displayName()},
                  {QStringLiteral("elapsedMs"), elapsedMs}};
    if (!result.ok()) {
        o.insert(QStringLiteral("error"), result.errorText());
        o.insert(QStringLiteral("errorKind"), toString(result.error().kind));
        return o;
    }
    const CopyReport &r = result.value();
    o.insert(QStringLiteral("digest"), r.digest.toString());
    o.insert(QStringLiteral("mediaType"), r.mediaType);
    o.insert(QStringLiteral("platforms"), QJsonArray::fromStringList(r.platforms));
    o.insert(QStringLiteral("tagMoved"), r.tagMoved);
    o.insert(QStringLiteral("previousDigest"),
             r.previousDigest.isEmpty() ? QJsonValue() : QJsonValue(r.previousDigest));
    if (!r.backupTag.isEmpty())
        o.insert(QStringLiteral("backupTag"), r.backupTag);
    o.insert(QStringLiteral("manifests"), r.manifests);
    o.insert(QStringLiteral("manifestsPushed"), r.manifestsPushed);
    o.insert(QStringLiteral("blobs"), r.blobs);
    o.insert(QStringLiteral("blobsCopied"), r.blobsCopied);
    o.insert(QStringLiteral("blobsMounted"), r.blobsMounted);
    o.insert(QStringLiteral("blobsPresent"), r.blobsPresent);
    o.insert(QStringLiteral("bytesCopied"), r.bytesCopied);
    return o;
}

} // namespace

int runCopy(CliContext &context, const QStringList &arguments)
{
    QCommandLineParser parser;
    CliContext::addCommonOptions(parser);
    parser.addPositionalArgument(QStringLiteral("source"),
                                 QStringLiteral("ID/REPOSITORY:TAG, ID/REPOSITORY@sha256:…, "
                                                "ID/REPOSITORY:TAG@sha256:… (the tag must still "
                                                "name that digest) or docker://HOST/REPOSITORY:TAG"));
    parser.addPositionalArgument(QStringLiteral("destination"),
                                 QStringLiteral("ID/REPOSITORY:TAG or docker://HOST/REPOSITORY:TAG"));
    parser.addOption({QStringLiteral("allow-overwrite"),
                      QStringLiteral("Move the destination tag even if it names a different image.")});
    parser.addOption({QStringLiteral("backup-tag"),
                      QStringLiteral("Before an overwrite, keep the replaced image under this tag."),
                      QStringLiteral("TAG")});
    parser.addOption({QStringLiteral("insecure"),
                      QStringLiteral("docker:// references use plain HTTP (and no TLS checks).")});
    if (auto exit = context.parse(parser, QStringLiteral("copy"), arguments))
        return *exit;
    const auto format = context.format(parser);
    if (!format)
        return ExitUsage;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        context.err() << "quayside-cli copy: needs a source and a destination\n"
                         "Try 'quayside-cli copy --help'.\n";
        return ExitUsage;
    }
    QString error;
    const auto source = ImageReference::parse(positional.at(0), &error);
    const auto destination = source ? ImageReference::parse(positional.at(1), &error) : std::nullopt;
    if (!source || !destination) {
        context.err() << "quayside-cli copy: " << error << '\n';
        return ExitUsage;
    }
    if (destination->tag.isEmpty()) {
        context.err() << "quayside-cli copy: the destination needs a tag: "
                      << destination->toString() << '\n';
        return ExitUsage;
    }
    // A profile is needed for ID/… references; docker:// ones use it only when given.
    std::optional<Profile> profile;
    if (!source->isDocker() || !destination->isDocker() ||
        parser.isSet(QStringLiteral("profile"))) {
        profile = context.loadProfile(parser);
        if (!profile)
            return ExitUsage;
    }
    const bool insecure = parser.isSet(QStringLiteral("insecure"));
    const Profile *p = profile ? &*profile : nullptr;
    const auto from = resolveImage(*source, p, insecure, &error);
    const auto to = from ? resolveImage(*destination, p, insecure, &error) : std::nullopt;
    if (!from || !to) {
        context.err() << "quayside-cli copy: " << error << '\n';
        return ExitUsage;
    }

    CopySpec spec;
    spec.source = *from;
    spec.destination = *to;
    spec.allowOverwrite = parser.isSet(QStringLiteral("allow-overwrite"));
    spec.backupTag = parser.value(QStringLiteral("backup-tag"));

    Transport *transport = Transport::forCurrentThread();
    RegistryClient sourceClient(spec.source.registry, transport);
    RegistryClient destinationClient(spec.destination.registry, transport);

    // Credentials: the environment (CI) or the keychain, for both ends, before anything moves.
    QEventLoop loop;
    CredentialStore store;
    int pending = 2;
    for (RegistryClient *client : {&sourceClient, &destinationClient}) {
        store.read(client->config(), [&, client](const CredentialResult &result) {
            if (!result.error.isEmpty())
                context.err() << "quayside-cli copy: " << client->config().id << ": "
                              << result.error << "; trying anonymously\n";
            client->setCredential(result.credential);
            if (--pending == 0)
                loop.quit();
        });
    }
    loop.exec();

    CopyEngine engine(spec, &sourceClient, &destinationClient);
    const bool showProgress = context.stderrIsTerminal();
    QObject::connect(&engine, &CopyEngine::progressChanged, &engine,
                     [&context, showProgress](const CopyProgress &progress) {
                         if (!showProgress)
                             return;
                         context.err() << QStringLiteral("\r\x1b[K%1: blobs %2/%3 (%4 of %5), "
                                                         "manifests %6/%7")
                                              .arg(toString(progress.phase))
                                              .arg(progress.blobsDone)
                                              .arg(progress.blobsTotal)
                                              .arg(bytesText(progress.bytesDone), bytesText(progress.bytesTotal))
                                              .arg(progress.manifestsDone)
                                              .arg(progress.manifestsTotal);
                         context.err().flush();
                     });
    std::optional<Result<CopyReport>> outcome;
    QElapsedTimer clock;
    clock.start();
    engine.start([&](Result<CopyReport> result) {
        outcome = std::move(result);
        loop.quit();
    });
    loop.exec();
    if (showProgress)
        context.err() << "\r\x1b[K";
    const Result<CopyReport> &result = *outcome;

    if (*format == QLatin1String("json")) {
        context.out() << QJsonDocument(reportJson(spec, result, clock.elapsed()))
                             .toJson(QJsonDocument::Indented);
    } else if (result.ok()) {
        const CopyReport &r = result.value();
        context.out() << (r.tagMoved ? "Copied " : "Already there: ")
                      << spec.source.displayName() << " → " << spec.destination.displayName()
                      << '\n'
                      << "  digest     " << r.digest.toString() << '\n'
                      << "  tag        "
                      << (r.tagMoved ? (r.previousDigest.isEmpty()
                                            ? QStringLiteral("created")
                                            : QStringLiteral("moved from ") + r.previousDigest)
                                     : QStringLiteral("unchanged"))
                      << '\n';
        if (!r.backupTag.isEmpty())
            context.out() << "  backup     " << r.backupTag << " keeps " << r.previousDigest << '\n';
        context.out() << "  manifests  " << r.manifests << " (" << r.manifestsPushed << " pushed)\n"
                      << "  blobs      " << r.blobs << " needed: " << r.blobsCopied << " copied ("
                      << bytesText(r.bytesCopied) << "), " << r.blobsMounted << " mounted, "
                      << r.blobsPresent << " already there\n"
                      << "  time       " << clock.elapsed() << " ms\n";
    }
    if (result.ok())
        return ExitOk;
    context.err() << "quayside-cli copy: " << result.errorText() << '\n';
    return result.error().kind == RegistryError::Kind::Refused ? ExitRefused : ExitRegistry;
}

} // namespace quayside::cli
