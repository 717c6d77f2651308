#pragma once

#include <QStyledItemDelegate>

namespace quayside {

// Route cells as coloured pills ("missing", "arch-missing: s390x"): drift must be visible at a
// glance in a table of thousands of rows, and colour alone is not enough, so the text stays.
class StatusDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusDelegate)

public:
    explicit StatusDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace quayside
