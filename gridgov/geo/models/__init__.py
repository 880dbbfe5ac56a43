from gridgov.geo.models.areas import Area, Grid, MapVersion, PoliceZone, SubDistrict, Village

__all__ = ["Area", "Grid", "MapVersion", "PoliceZone", "SubDistrict", "Village"]
