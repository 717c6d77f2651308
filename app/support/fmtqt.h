#pragma once

#include <QByteArray>
#include <QString>

#include <fmt/format.h>

// Lets spdlog/fmt print Qt strings directly: log("{}", someQString).
template<>
struct fmt::formatter<QString> : fmt::formatter<std::string_view> {
    auto format(const QString &value, format_context &ctx) const -> decltype(ctx.out())
    {
        const QByteArray utf8 = value.toUtf8();
        return fmt::formatter<std::string_view>::format(
            std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())), ctx);
    }
};

template<>
struct fmt::formatter<QByteArray> : fmt::formatter<std::string_view> {
    auto format(const QByteArray &value, format_context &ctx) const -> decltype(ctx.out())
    {
        return fmt::formatter<std::string_view>::format(
            std::string_view(value.constData(), static_cast<std::size_t>(value.size())), ctx);
    }
};
