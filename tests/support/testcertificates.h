#pragma once

#include <QString>

#include <optional>

namespace quayside::test {

// A throwaway certificate authority and a server certificate it signed for 127.0.0.1 (and
// localhost), made with the openssl command line into dir: what a registry behind an internal
// CA looks like, without trusting anything system-wide.
struct TestCertificates {
    QString caPem;      // the authority, to trust
    QString serverCert; // the server's certificate, for nginx
    QString serverKey;

    static std::optional<TestCertificates> make(const QString &dir, QString *error);
};

} // namespace quayside::test
