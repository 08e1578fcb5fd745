"""The plugin manager: pluggy, project "report_lint", plugins found through the entry-point group
`report_lint` (importlib.metadata). The built-in rule families and reporters are entry points of the
report-lint distribution itself and take the same route as third-party plugins.

Each entry point is imported and registered on its own: one that fails to import, registers a bad
hook implementation or raises inside a hook is reported by name (a `Notice`) and skipped, and the run
goes on without it. `-p no:NAME` blocks one plugin; REPORT_LINT_DISABLE_PLUGIN_AUTOLOAD=1 stops
third-party plugins from loading automatically (the built-ins still load).
"""
from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import pluggy

from . import hookspecs
from .types import PROJECT

DISTRIBUTION = "report-lint"
AUTOLOAD_ENV = "REPORT_LINT_DISABLE_PLUGIN_AUTOLOAD"


@dataclass(frozen=True)
class Notice:
    """A warning for the user (stderr and RunResult.summary["warnings"]), in both languages."""

    code: str
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def as_dict(self, lang: str = "zh") -> dict[str, str]:
        return {"code": self.code, "message": self.message(lang)}


@dataclass
class PluginInfo:
    name: str  # entry-point name (what -p no:NAME takes), or the module name for in-process plugins
    value: str  # "module" or "module:attr"
    builtin: bool
    status: str  # loaded | blocked | failed | not-autoloaded
    version: str | None = None
    reason: str | None = None


@dataclass
class PluginSet:
    pm: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def loaded(self) -> list[str]:
        return [p.name for p in self.plugins if p.status == "loaded"]

    @property
    def failed(self) -> dict[str, str]:
        return {p.name: p.reason or "" for p in self.plugins if p.status == "failed"}

    @property
    def blocked(self) -> list[str]:
        return [p.name for p in self.plugins if p.status == "blocked"]

    def call_each(self, hook_name: str) -> list[tuple[str, Any]]:
        """Call every implementation of a hook separately, so that one plugin raising does not hide
        the others' results. Returns (plugin name, result) pairs, skipping None results."""
        out: list[tuple[str, Any]] = []
        caller = getattr(self.pm.hook, hook_name)
        # get_hookimpls() lists them in registration order (built-ins first); pluggy *calls* them LIFO
        for impl in caller.get_hookimpls():
            name = impl.plugin_name
            try:
                res = impl.function()
            except Exception as e:  # noqa: BLE001 - a third-party plugin's bug must not stop the run
                self.notices.append(Notice(
                    "plugin-hook-failed",
                    f"插件“{name}”的 {hook_name} 出错，已跳过：{_one_line(e)}",
                    f"plugin '{name}' failed in {hook_name} and was skipped: {_one_line(e)}"))
                continue
            if res is not None:
                out.append((name, res))
        return out


def _one_line(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}"
    return re.sub(r"\s+", " ", text).strip()[:300]


_DIST_FACTS: dict[str, tuple[str | None, str | None]] = {}


def _dist_facts(ep: EntryPoint) -> tuple[str | None, str | None]:
    """(normalised name, version) of the distribution that declares the entry point. Reading a
    distribution's metadata parses its METADATA file, so it is done once per distribution."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    key = str(getattr(dist, "_path", id(dist)))
    facts = _DIST_FACTS.get(key)
    if facts is None:
        try:
            md = dist.metadata
            facts = (re.sub(r"[-_.]+", "-", md["Name"]).lower(), md["Version"])
        except (OSError, TypeError, ValueError):  # no or broken metadata: judged by the module name
            facts = (None, None)
        _DIST_FACTS[key] = facts
    return facts


def _dist_name(ep: EntryPoint) -> str | None:
    return _dist_facts(ep)[0]


def _dist_version(ep: EntryPoint) -> str | None:
    return _dist_facts(ep)[1]


def is_builtin(ep: EntryPoint) -> bool:
    name = _dist_name(ep)
    if name is not None:
        return name == DISTRIBUTION
    return ep.value.split(":")[0].startswith("report_lint.")


def autoload_disabled() -> bool:
    return os.environ.get(AUTOLOAD_ENV, "").strip().lower() not in ("", "0", "false", "no")


def discover_entry_points() -> list[EntryPoint]:
    """Entry points of the group, built-ins first, each name once (an editable install and a wheel
    of the same project can both be visible)."""
    seen: set[str] = set()
    eps: list[EntryPoint] = []
    for ep in sorted(entry_points(group=PROJECT), key=lambda e: (not is_builtin(e), e.name)):
        if ep.name in seen:
            continue
        seen.add(ep.name)
        eps.append(ep)
    return eps


def _matches(blocked: set[str], ep: EntryPoint) -> str | None:
    module = ep.value.split(":")[0]
    for b in (ep.name, module, module.rsplit(".", 1)[-1], ep.name.removeprefix("builtin-")):
        if b in blocked:
            return b
    return None


def create_plugin_manager(*, blocked: Iterable[str] = (), autoload: bool | None = None,
                          extra: Iterable[Any] = (), extra_modules: Iterable[str] = (),
                          _entry_points: list[EntryPoint] | None = None) -> PluginSet:
    """Build the plugin manager.

    blocked: plugin names from `-p no:NAME` (entry-point name or module name).
    autoload: load third-party entry points (default: unless REPORT_LINT_DISABLE_PLUGIN_AUTOLOAD is set).
    extra: plugin objects (modules, instances) registered in-process, after the entry points.
    extra_modules: module names to import and register (`-p module.name`).
    """
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    ps = PluginSet(pm)
    blocked = set(blocked)
    used_blocks: set[str] = set()
    if autoload is None:
        autoload = not autoload_disabled()
    eps = discover_entry_points() if _entry_points is None else _entry_points
    for ep in eps:
        builtin = is_builtin(ep)
        info = PluginInfo(ep.name, ep.value, builtin, "loaded", version=_dist_version(ep))
        ps.plugins.append(info)
        hit = _matches(blocked, ep)
        if hit is not None:
            used_blocks.add(hit)
            info.status = "blocked"
            continue
        if not builtin and not autoload:
            info.status = "not-autoloaded"
            continue
        _load_one(ps, info, ep.load)
    for mod in extra_modules:
        info = PluginInfo(mod, mod, False, "loaded")
        ps.plugins.append(info)
        _load_one(ps, info, lambda m=mod: importlib.import_module(m))
    for obj in extra:
        name = getattr(obj, "__name__", None) or f"{type(obj).__module__}.{type(obj).__name__}@{id(obj):x}"
        info = PluginInfo(name, name, False, "loaded")
        ps.plugins.append(info)
        _load_one(ps, info, lambda o=obj: o)
    for b in sorted(blocked - used_blocks):
        installed = ", ".join(p.name for p in ps.plugins)
        ps.notices.append(Notice("unknown-plugin",
                                 f"-p no:{b}：没有名为“{b}”的插件（已安装：{installed or '无'}）",
                                 f"-p no:{b}: no plugin named '{b}' (installed: {installed or 'none'})"))
    _check_pending(ps)
    return ps


def _load_one(ps: PluginSet, info: PluginInfo, load) -> None:
    try:
        obj = load()
    except Exception as e:  # noqa: BLE001 - ImportError, SyntaxError, anything the plugin's import runs
        _fail(ps, info, "plugin-import-failed", "无法加载", "could not be loaded", e)
        return
    try:
        if ps.pm.is_registered(obj):
            return
        ps.pm.register(obj, name=info.name)
    except Exception as e:  # noqa: BLE001 - a bad hookimpl, a duplicate name, or the plugin's own attributes failing
        _fail(ps, info, "plugin-invalid", "注册失败", "could not be registered", e)


def _fail(ps: PluginSet, info: PluginInfo, code: str, zh: str, en: str, e: BaseException) -> None:
    info.status = "failed"
    info.reason = _one_line(e)
    ps.notices.append(Notice(code, f"插件“{info.name}”（{info.value}）{zh}，已跳过：{info.reason}",
                             f"plugin '{info.name}' ({info.value}) {en} and was skipped: {info.reason}"))


def _check_pending(ps: PluginSet) -> None:
    """pluggy's check_pending: a hookimpl with no matching hookspec is almost always a typo in a hook
    name. The offending plugin is unregistered (and reported), the rest keep working."""
    for _ in range(len(ps.plugins) + 1):
        try:
            ps.pm.check_pending()
            return
        except pluggy.PluginValidationError as e:
            plugin = getattr(e, "plugin", None)
            name = ps.pm.get_name(plugin) if plugin is not None else None
            if plugin is None or name is None:
                raise
            ps.pm.unregister(plugin)
            for info in ps.plugins:
                if info.name == name:
                    _fail(ps, info, "plugin-unknown-hook", "实现了不存在的钩子", "implements an unknown hook", e)
                    break


__all__ = ["AUTOLOAD_ENV", "Notice", "PluginInfo", "PluginSet", "autoload_disabled", "create_plugin_manager",
           "discover_entry_points", "is_builtin"]
