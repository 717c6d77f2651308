#include "testcertificates.h"

#include <QFile>
#include <QProcess>
#include <QStringList>

namespace quayside::test {
namespace {

bool openssl(const QStringList &arguments, QString *error)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        *error = QStringLiteral("openssl %1 failed: %2%3")
                     .arg(arguments.value(0), process.errorString(), QString::fromUtf8(process.readAll()));
        return false;
    }
    return true;
}

} // namespace

std::optional<TestCertificates> TestCertificates::make(const QString &dir, QString *error)
{
    TestCertificates c{dir + QStringLiteral("/ca.pem"), dir + QStringLiteral("/server.pem"),
                       dir + QStringLiteral("/server.key")};
    const QString caKey = dir + QStringLiteral("/ca.key");
    const QString request = dir + QStringLiteral("/server.csr");
    const QString extensions = dir + QStringLiteral("/server.ext");
    QFile ext(extensions);
    if (!ext.open(QIODevice::WriteOnly) ||
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                  "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n") < 0) {
        *error = QStringLiteral("cannot write %1").arg(extensions);
        return std::nullopt;
    }
    ext.close();
    // EC keys: instant to generate, which RSA on two busy cores is not.
    const QStringList ec{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes")};
    if (!openssl(QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + ec +
                     QStringList{QStringLiteral("-keyout"), caKey, QStringLiteral("-out"), c.caPem,
                                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                                 QStringLiteral("/CN=Quayside test CA"), QStringLiteral("-addext"),
                                 QStringLiteral("basicConstraints=critical,CA:TRUE"), QStringLiteral("-addext"),
                                 QStringLiteral("keyUsage=critical,keyCertSign,cRLSign")},
                 error) ||
        !openssl(QStringList{QStringLiteral("req")} + ec +
                     QStringList{QStringLiteral("-keyout"), c.serverKey, QStringLiteral("-out"), request,
                                 QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")},
                 error) ||
        !openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), request,
                  QStringLiteral("-CA"), c.caPem, QStringLiteral("-CAkey"), caKey,
                  QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), c.serverCert,
                  QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), extensions},
                 error))
        return std::nullopt;
    return c;
}

} // namespace quayside::test
