#pragma once

#include "compare/driftmatrix.h"
#include "inventory/profile.h"

#include <QTextBrowser>

namespace quayside {

// Everything about one repository:tag: the full digest, type and platforms in each registry,
// and, per route, what is wrong in words ("quay.io/fedora lacks linux/s390x").
class RowDetails final : public QTextBrowser
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RowDetails)

public:
    explicit RowDetails(QWidget *parent = nullptr);

    void showRow(const Profile &profile, const DriftRow &row);
    void clearRow();

    static QString explain(const Profile &profile, const Route &route, const RouteCell &cell);
};

} // namespace quayside
