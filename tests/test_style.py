"""One look per name across figures and runs, and plain words for metric names."""

from analysis.style import COLOURS, metric_label, scenario_style, vendor_style, worse_note


def test_a_vendor_keeps_its_style_whatever_else_is_drawn():
    assert vendor_style("Pioneer") == vendor_style("Pioneer")
    assert vendor_style("SomeNewVendor") == vendor_style("SomeNewVendor")


def test_seven_baseline_like_vendors_differ_in_dash_and_marker_for_grey_scale():
    names = ["Pioneer", "Meta", "Anthropic", "Mistral", "DeepSeek", "Early", "Late"]
    known = {(str(vendor_style(n)["linestyle"]), vendor_style(n)["marker"]) for n in names[:5]}
    assert len(known) == 5
    assert all(vendor_style(n)["color"] in COLOURS for n in names)


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
