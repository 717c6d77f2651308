#pragma once

#include "registry/registryerror.h"

#include <QTest>

#include <functional>
#include <optional>

namespace quayside::test {

// Runs the event loop until an asynchronous call answers (or the timeout passes), for tests of
// callback APIs: auto tags = await<QStringList>([&](auto done) { client.listTags("x", done); });
template<typename T>
Result<T> await(const std::function<void(std::function<void(Result<T>)>)> &call,
                int timeoutMs = 60000)
{
    std::optional<Result<T>> answer;
    call([&answer](Result<T> result) { answer = std::move(result); });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, timeoutMs)) {
        RegistryError e;
        e.kind = RegistryError::Kind::Network;
        e.message = QStringLiteral("the test gave up waiting after %1 ms").arg(timeoutMs);
        return e;
    }
    return std::move(*answer);
}

} // namespace quayside::test
