#include "driftmatrix.h"

namespace quayside {

QString toString(DriftStatus status)
{
    switch (status) {
    case DriftStatus::InSync:
        return QStringLiteral("in-sync");
    case DriftStatus::Missing:
        return QStringLiteral("missing");
    case DriftStatus::Differs:
        return QStringLiteral("differs");
    case DriftStatus::ArchMissing:
        return QStringLiteral("arch-missing");
    case DriftStatus::Extra:
        return QStringLiteral("extra");
    case DriftStatus::Sparse:
        return QStringLiteral("sparse");
    case DriftStatus::Error:
        break;
    }
    return QStringLiteral("error");
}

std::optional<DriftStatus> driftStatusFromString(const QString &text)
{
    for (auto status : {DriftStatus::InSync, DriftStatus::Missing, DriftStatus::Differs,
                        DriftStatus::ArchMissing, DriftStatus::Extra, DriftStatus::Sparse,
                        DriftStatus::Error})
        if (toString(status) == text)
            return status;
    return std::nullopt;
}

} // namespace quayside
