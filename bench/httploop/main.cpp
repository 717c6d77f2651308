// The ceiling Qt's own HTTP client reaches against one URL: N GETs (or HEADs) through a single
// QNetworkAccessManager, C at a time, and nothing else. bench/run sets it beside ab's rate, so a
// gap between quayside-cli and ab can be split into what Qt's HTTP stack costs and what
// Quayside adds on top of it.
//
//   quayside-httploop URL REQUESTS CONCURRENCY [--head] [--header "Name: value"]...
//
// Credentials for Basic auth come from QUAYSIDE_HTTPLOOP_AUTH (user:password), never argv.
// Prints one JSON object: {"requests", "failed", "seconds", "rate"}.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <cstdio>
#include <functional>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    bool head = false;
    QList<std::pair<QByteArray, QByteArray>> headers;
    for (qsizetype i = 0; i < args.size();) {
        if (args[i] == QLatin1String("--head")) {
            head = true;
            args.removeAt(i);
        } else if (args[i] == QLatin1String("--header") && i + 1 < args.size()) {
            const QString h = args[i + 1];
            headers.append({h.section(u':', 0, 0).trimmed().toUtf8(),
                            h.section(u':', 1).trimmed().toUtf8()});
            args.remove(i, 2);
        } else {
            ++i;
        }
    }
    bool okN = false, okC = false;
    const QUrl url(args.value(0));
    const int total = args.value(1).toInt(&okN);
    const int concurrency = args.value(2).toInt(&okC);
    if (!url.isValid() || url.scheme().isEmpty() || !okN || !okC || total < 1 || concurrency < 1) {
        std::fprintf(stderr, "usage: quayside-httploop URL REQUESTS CONCURRENCY [--head] "
                             "[--header 'Name: value']...\n");
        return 2;
    }
    const QByteArray auth = qgetenv("QUAYSIDE_HTTPLOOP_AUTH");
    if (!auth.isEmpty())
        headers.append({"Authorization", "Basic " + auth.toBase64()});

    QNetworkAccessManager network;
    int started = 0, done = 0, failed = 0;
    QElapsedTimer clock;
    std::function<void()> next = [&] {
        if (started >= total)
            return;
        ++started;
        QNetworkRequest request(url);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = head ? network.head(request) : network.get(request);
        QObject::connect(reply, &QNetworkReply::finished, &app, [&, reply] {
            if (reply->error() != QNetworkReply::NoError)
                ++failed;
            reply->readAll();
            reply->deleteLater();
            if (++done == total)
                app.quit();
            else
                next();
        });
    };
    clock.start();
    for (int i = 0; i < concurrency; ++i)
        next();
    app.exec();
    const double seconds = static_cast<double>(clock.nsecsElapsed()) / 1e9;
    const QJsonObject out{{QStringLiteral("requests"), total},
                          {QStringLiteral("failed"), failed},
                          {QStringLiteral("seconds"), seconds},
                          {QStringLiteral("rate"), total / seconds}};
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return failed ? 1 : 0;
}
