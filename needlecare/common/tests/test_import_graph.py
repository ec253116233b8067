"""The layout holds: apps depend on each other one way only, accounts knows no feature, the API
root is imported by nobody, and no import hides inside a function to dodge a cycle."""

from needlecare.common.testing.imports import app_graph, app_of, cycles, imports

# The one function-local import of our own code: `needlecare screen` answers without Django.
FAST_PATHS = {("needlecare.cli", "needlecare.screening.cli")}


def test_no_two_apps_import_each_other_even_around_a_loop():
    assert cycles(app_graph()) == []


def test_a_loop_between_apps_would_be_seen():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_accounts_imports_no_feature_app():
    assert app_graph().get("accounts", set()) <= {"common", "audit"}


def test_audit_and_common_import_no_feature_app():
    graph = app_graph()
    assert graph.get("audit", set()) <= {"common"}
    assert graph.get("common", set()) == set()


def test_no_app_imports_the_api_root():
    offenders = [
        f"{i.module}:{i.line}"
        for i in imports()
        if i.target == "needlecare.api" and app_of(i.module)
    ]
    assert offenders == []


def test_no_import_of_our_own_code_hides_inside_a_function():
    # AppConfig.ready() is where Django has receivers connected, once the models are loaded.
    local = {(i.module, i.target) for i in imports() if i.local and not i.module.endswith(".apps")}
    local -= FAST_PATHS
    assert local == set()
