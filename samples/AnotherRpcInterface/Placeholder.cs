namespace My.Package;
