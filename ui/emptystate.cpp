#include "emptystate.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QEvent>

namespace quayside {

EmptyState::EmptyState(QAbstractItemView *view)
    : QLabel(view->viewport())
    , m_view(view)
{
    setObjectName(QStringLiteral("emptyState"));
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setAttribute(Qt::WA_TransparentForMouseEvents);
    view->viewport()->installEventFilter(this);
    if (auto *model = view->model()) {
        connect(model, &QAbstractItemModel::modelReset, this, &EmptyState::refresh);
        connect(model, &QAbstractItemModel::rowsInserted, this, &EmptyState::refresh);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &EmptyState::refresh);
    }
    refresh();
}

void EmptyState::setMessage(const QString &title, const QString &detail)
{
    setText(QStringLiteral("<p style='font-size:14pt'>%1</p><p style='color:palette(mid)'>%2</p>")
                .arg(title.toHtmlEscaped(), detail.toHtmlEscaped()));
    refresh();
}

bool EmptyState::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        refresh();
    return QLabel::eventFilter(watched, event);
}

void EmptyState::refresh()
{
    setGeometry(m_view->viewport()->rect().adjusted(24, 24, -24, -24));
    const bool empty = !m_view->model() || m_view->model()->rowCount() == 0;
    setVisible(empty && !text().isEmpty());
}

} // namespace quayside
