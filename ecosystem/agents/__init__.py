"""The actors (Mesa agents). Each holds behaviour only; arrays in the model do the heavy work."""

from ecosystem.agents.crawler import Crawler
from ecosystem.agents.detector import DetectorProvider
from ecosystem.agents.farm import ContentFarm
from ecosystem.agents.vendor import ModelVendor
from ecosystem.agents.writer import HumanWriter

__all__ = ["ContentFarm", "Crawler", "DetectorProvider", "HumanWriter", "ModelVendor"]
