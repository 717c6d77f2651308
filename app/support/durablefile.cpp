#include "durablefile.h"

#include <unistd.h>

namespace quayside::durable {

bool append(QFile &file, const QByteArray &bytes, QString *error)
{
    if (file.write(bytes) == bytes.size() && file.flush() && ::fsync(file.handle()) == 0)
        return true;
    if (error)
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
    return false;
}

bool endsMidLine(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.size() > 0 && file.seek(file.size() - 1) &&
           file.read(1) != "\n";
}

} // namespace quayside::durable
