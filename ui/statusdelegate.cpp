#include "statusdelegate.h"

#include "compare/driftmatrix.h"
#include "roles.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace quayside {

StatusDelegate::StatusDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    const QVariant status = index.data(StatusRole);
    if (!status.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // Background (selection, alternate rows) as usual, then the pill.
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &base, painter, base.widget);

    const QColor colour = index.data(Qt::ForegroundRole).value<QBrush>().color();
    const QString text = index.data(Qt::DisplayRole).toString();
    const bool inSync = status.toInt() == static_cast<int>(DriftStatus::InSync);
    QFont font = option.font;
    font.setBold(!inSync);
    // Measure on the device being painted (a grab may differ from the screen in DPI).
    const QFontMetrics metrics(font, painter->device());
    const QRect area = option.rect.adjusted(4, 3, -4, -3);
    const QString shown = metrics.elidedText(text, Qt::ElideRight, area.width() - 18);
    const int width = std::min(area.width(), metrics.horizontalAdvance(shown) + 20);
    const QRect pill(area.left(), area.top(), width, area.height());

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = colour;
    fill.setAlpha(inSync ? 28 : 48);
    QPainterPath path;
    path.addRoundedRect(QRectF(pill), pill.height() / 2.0, pill.height() / 2.0);
    // On a selected row the tint alone would sink into the highlight: give the pill a light base.
    if (option.state & QStyle::State_Selected)
        painter->fillPath(path, QColor(255, 255, 255, 235));
    painter->fillPath(path, fill);
    painter->setFont(font);
    painter->setPen(colour.darker(inSync ? 110 : 130));
    painter->drawText(pill.adjusted(9, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextDontClip,
                      shown);
    painter->restore();
}

QSize StatusDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.setHeight(std::max(size.height(), option.fontMetrics.height() + 10));
    return size;
}

} // namespace quayside
