#include "roadmap.h"

#include <QJsonArray>

namespace quayside {

const std::vector<RoadmapStep> &roadmapSteps()
{
    static const std::vector<RoadmapStep> steps{
        {1, QStringLiteral("namespaces"), QStringLiteral("Namespaces on quay.io"),
         QStringLiteral("Create the quay.io namespaces that mirror registry and candidate-registry "
                        "(staging ones optional)."),
         {QStringLiteral("every destination namespace exists (quay REST API)"),
          QStringLiteral("every destination registry accepts the profile's credentials (/v2/)")},
         {QStringLiteral("robot accounts exist for every writer (Koji builders, Bodhi, releng, "
                         "uploader) with write access to the namespaces")}},
        {2, QStringLiteral("configs"), QStringLiteral("Configurations and scripts switched"),
         QStringLiteral("Point every pipeline at quay.io; the old registries stop receiving "
                        "content of their own."),
         {QStringLiteral("every migrate route is in sync: no tag missing, differing, missing an "
                         "architecture or sparse on quay.io (extra tags allowed)")},
         {QStringLiteral("OSBS dockercfg secrets point at quay.io (production and staging)"),
          QStringLiteral("koji-flatpak flatpak.conf [push] registry= points at the quay candidate "
                         "namespace"),
          QStringLiteral("Bodhi container.source_registry / destination_registry point at quay.io"),
          QStringLiteral("flatpak-indexer public_url points at quay.io"),
          QStringLiteral("releng scripts and cloud-image-uploader push to quay.io")}},
        {3, QStringLiteral("redirects"), QStringLiteral("Old hosts redirect to quay.io"),
         QStringLiteral("The proxies of registry.fedoraproject.org and candidate-registry send "
                        "registry API clients to quay.io."),
         {QStringLiteral("a sample of tags on each old host answers 3xx with a Location on quay.io "
                         "naming the same repository and tag"),
          QStringLiteral("quay.io serves those tags with the digests the old host had")},
         {QStringLiteral("the httpd proxy configuration is deployed in production and staging"),
          QStringLiteral("users were told (Fedora Magazine, devel-announce)")}},
        {4, QStringLiteral("decommission"), QStringLiteral("Old hosts decommissioned"),
         QStringLiteral("Retire the oci-registry hosts and candidate-registry (after the oldest "
                        "release they served is EOL)."),
         {QStringLiteral("no old host serves a manifest itself any more (unreachable, 404, or a "
                         "redirect to quay.io)"),
          QStringLiteral("every tag of the last readable snapshot of each old host is on quay.io "
                         "with the same digest")},
         {QStringLiteral("the hosts are shut down and removed from inventory and DNS"),
          QStringLiteral("monitoring and backups of the old registries are retired")}},
    };
    return steps;
}

const RoadmapStep *roadmapStep(int number)
{
    for (const RoadmapStep &s : roadmapSteps())
        if (s.number == number)
            return &s;
    return nullptr;
}

std::optional<int> roadmapStepFromString(const QString &text)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (ok && roadmapStep(n))
        return n;
    for (const RoadmapStep &s : roadmapSteps())
        if (s.key == text)
            return s.number;
    return std::nullopt;
}

bool StepEvidence::passed() const
{
    return !checks.empty() && failures() == 0;
}

int StepEvidence::failures() const
{
    int n = 0;
    for (const CheckResult &c : checks)
        n += c.passed ? 0 : 1;
    return n;
}

QString StepEvidence::summary() const
{
    if (checks.empty())
        return QStringLiteral("nothing was checked");
    const int failed = failures();
    if (failed == 0)
        return QStringLiteral("%1 of %1 checks pass").arg(checks.size());
    QStringList names;
    for (const CheckResult &c : checks)
        if (!c.passed && names.size() < 3)
            names << c.name;
    return QStringLiteral("%1 of %2 checks fail: %3%4")
        .arg(failed)
        .arg(checks.size())
        .arg(names.join(QStringLiteral("; ")), failed > 3 ? QStringLiteral("; …") : QString());
}

QJsonObject toJson(const StepEvidence &evidence)
{
    QJsonArray checks;
    for (const CheckResult &c : evidence.checks)
        checks.append(QJsonObject{{QStringLiteral("name"), c.name},
                                  {QStringLiteral("passed"), c.passed},
                                  {QStringLiteral("detail"), c.detail}});
    return {{QStringLiteral("step"), evidence.step},
            {QStringLiteral("at"), evidence.at.toString(Qt::ISODateWithMs)},
            {QStringLiteral("passed"), evidence.passed()},
            {QStringLiteral("summary"), evidence.summary()},
            {QStringLiteral("checks"), checks}};
}

std::optional<StepEvidence> evidenceFromJson(const QJsonObject &o)
{
    StepEvidence e;
    e.step = o.value(QLatin1String("step")).toInt();
    if (!roadmapStep(e.step))
        return std::nullopt;
    e.at = QDateTime::fromString(o.value(QLatin1String("at")).toString(), Qt::ISODateWithMs);
    for (const QJsonValue v : o.value(QLatin1String("checks")).toArray()) {
        const QJsonObject c = v.toObject();
        e.checks.push_back({c.value(QLatin1String("name")).toString(),
                            c.value(QLatin1String("passed")).toBool(),
                            c.value(QLatin1String("detail")).toString()});
    }
    return e;
}

} // namespace quayside
