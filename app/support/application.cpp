#include "application.h"

#include <QCoreApplication>

namespace quayside {

void identifyApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("quayside"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QUAYSIDE_VERSION));
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setOrganizationDomain(QStringLiteral("quayside.github.io"));
}

} // namespace quayside
