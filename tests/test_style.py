"""One look per name across figures and runs, and plain words for metric names."""

from matplotlib.colors import to_rgb

from analysis.style import COLOURS, KNOWN, metric_label, scenario_style, vendor_style, worse_note


def test_a_vendor_keeps_its_style_whatever_else_is_drawn():
    assert vendor_style("Pioneer") == vendor_style("Pioneer")
    assert vendor_style("SomeNewVendor") == vendor_style("SomeNewVendor")


def _grey(colour: str) -> float:
    """The grey level a colour prints as (luma, ITU-R BT.601)."""
    red, green, blue = to_rgb(colour)
    return round(0.299 * red + 0.587 * green + 0.114 * blue, 2)


def _look(name: str) -> tuple:
    style = vendor_style(name)
    return str(style["linestyle"]), style["marker"], _grey(style["color"])


def test_seven_baseline_like_vendors_differ_in_dash_and_marker_for_grey_scale():
    names = ["Pioneer", "Meta", "Anthropic", "Mistral", "DeepSeek", "Early", "Late"]
    looks = [_look(n) for n in names]
    assert len(set(looks)) == 7, looks  # every vendor's (dash, marker, grey) combination is its own
    assert len({look[0] for look in looks}) == 7, "two of the seven share a dash"
    assert len({look[1] for look in looks}) == 7, "two of the seven share a marker"
    assert len({vendor_style(n)["color"] for n in names}) == 7
    assert all(vendor_style(n)["color"] in COLOURS for n in names)


def test_every_named_vendor_has_a_look_of_its_own():
    looks = {name: _look(name) for name in KNOWN}
    assert len(set(looks.values())) == len(looks), looks


def test_the_reference_scenario_is_solid_black_and_no_other_is():
    assert scenario_style("baseline", reference=True)["color"] == "#000000"
    for name in ["watermark_half", "Pioneer", "x", "baseline"]:
        style = scenario_style(name)
        assert style["color"] != "#000000" and style["linestyle"] != "-"


def test_metric_labels_are_plain_words_with_units_and_direction():
    label = metric_label("vendor.DeepSeek.excess_nll")
    assert label == "DeepSeek: model's distance from human text (excess NLL) [nats]"
    assert metric_label("web.synthetic_share_new", unit=False) == "machine-made share of new pages"
    assert worse_note("vendor.Meta.tail_mass_ratio") == "lower is worse"
    assert metric_label("not.a.metric.name.x") == "not.a.metric.name.x"
